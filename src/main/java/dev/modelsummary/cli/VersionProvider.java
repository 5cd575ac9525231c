package dev.modelsummary.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (Maven's project version); "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"model-summary " + (version == null ? "dev" : version)};
    }
}

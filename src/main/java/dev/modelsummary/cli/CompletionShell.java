package dev.modelsummary.cli;

/**
 * The shells {@code --completion} writes a script for. Lower case on purpose: the constants are the values a
 * user types and the candidates the completion script itself offers.
 */
enum CompletionShell {
    bash,
    zsh
}

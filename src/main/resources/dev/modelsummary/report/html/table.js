// Sortable, filterable tables for model-summary's self-contained pages. No dependencies, no network.
//  <table class="sortable" data-filter="ID" data-count="ID2">: a click (or Enter) on a header sorts by that
//  column, again reverses; <th data-type="number"> sorts numerically by each cell's data-value (else its text).
//  The <input id="ID"> hides the rows whose text does not contain what is typed (any case); the element
//  ID2, if any, shows how many rows are shown. A <tr data-href="URL"> opens URL when clicked.
(function () {
  'use strict';

  function key(cell, numeric) {
    var raw = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent;
    if (!numeric) {
      return raw.toLowerCase();
    }
    var n = Number(raw);
    return isNaN(n) ? -Infinity : n;
  }

  function sortBy(table, th, column) {
    var numeric = th.getAttribute('data-type') === 'number';
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      return { row: row, index: index, key: key(row.cells[column], numeric) };
    });
    rows.sort(function (a, b) {
      var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      if (!ascending) {
        order = -order;
      }
      return order !== 0 ? order : a.index - b.index;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (entry) { fragment.appendChild(entry.row); });
    body.appendChild(fragment);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
      other.setAttribute('aria-sort', 'none');
    });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  }

  function attachSorting(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.setAttribute('tabindex', '0');
      th.setAttribute('aria-sort', 'none');
      th.addEventListener('click', function () { sortBy(table, th, column); });
      th.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          sortBy(table, th, column);
        }
      });
    });
  }

  function attachFilter(table) {
    var input = document.getElementById(table.getAttribute('data-filter') || '');
    if (!input) {
      return;
    }
    var counter = document.getElementById(table.getAttribute('data-count') || '');
    var apply = function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var match = query === '' || row.textContent.toLowerCase().indexOf(query) >= 0;
        row.hidden = !match;
        if (match) {
          shown++;
        }
      });
      if (counter) {
        counter.textContent = String(shown);
      }
    };
    input.addEventListener('input', apply);
    apply();
  }

  function attachLinks(table) {
    table.tBodies[0].addEventListener('click', function (event) {
      var row = event.target.closest('tr[data-href]');
      if (row && !event.target.closest('a')) {
        window.location.href = row.getAttribute('data-href');
      }
    });
  }

  document.querySelectorAll('table.sortable').forEach(function (table) {
    attachSorting(table);
    attachFilter(table);
    attachLinks(table);
  });
})();

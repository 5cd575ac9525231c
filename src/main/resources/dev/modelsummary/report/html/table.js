// Sortable, filterable tables for model-summary's self-contained pages. No dependencies, no network.
//  <table class="sortable" data-filter="ID" data-count="ID2">: a click (or Enter) on a header sorts by that
//  column, numbers largest first (as people rank models) and text A to Z, again reverses;
//  <th aria-sort="descending"> (or "ascending") says how the page's rows come, so that its first click
//  reverses them; <th data-type="number"> sorts numerically by each cell's data-value (else its text).
//  The <input id="ID"> hides the rows whose text does not contain what is typed (any case); the element
//  ID2, if any, shows how many rows match. A <tr data-href="URL"> opens URL when clicked.
//  <table data-limit="N" data-more="ID3">: a table too long to lay out at once (100,000 rows take a browser
//  most of a minute). Sorting and the filter work over all rows, but at most N matching rows are shown, in the
//  current order; the page writes the rows past the first N with the hidden attribute, so that the browser
//  never lays them out at load. The element ID3 (made after the table if missing) says how many are shown and
//  holds the buttons that show more; a new filter shows N again.
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

  function grouped(n) {
    return n.toLocaleString('en-US');
  }

  // The rows of one table in their current order, which of them match the filter and how many may show.
  // The DOM is touched only where a row's visibility or place changes: the rows that show come first in the
  // body, in order; the hidden ones follow in any order.
  function Rows(table) {
    var limit = Number(table.getAttribute('data-limit'));
    this.body = table.tBodies[0];
    this.step = limit > 0 ? limit : Infinity;
    this.limit = this.step;
    this.query = '';
    this.entries = Array.prototype.map.call(this.body.rows, function (row) {
      return { row: row, text: null, keys: [] };
    });
    this.matches = this.entries.length;
    this.listeners = [];
  }

  Rows.prototype.matchesQuery = function (entry) {
    if (this.query === '') {
      return true;
    }
    if (entry.text === null) {
      entry.text = entry.row.textContent.toLowerCase(); // rows never change: read each once
    }
    return entry.text.indexOf(this.query) >= 0;
  };

  Rows.prototype.render = function () {
    var shown = [];
    var matches = 0;
    for (var i = 0; i < this.entries.length; i++) {
      var entry = this.entries[i];
      var show = false;
      if (this.matchesQuery(entry)) {
        matches++;
        show = shown.length < this.limit;
      }
      if (entry.row.hidden === show) {
        entry.row.hidden = !show;
      }
      if (show) {
        shown.push(entry.row);
      }
    }
    this.matches = matches;
    this.shown = shown.length;
    var cursor = this.body.firstElementChild;
    shown.forEach(function (row) {
      if (row === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        this.body.insertBefore(row, cursor);
      }
    }, this);
    this.listeners.forEach(function (listener) { listener(); });
  };

  Rows.prototype.sort = function (column, numeric, ascending) {
    var ordered = this.entries.map(function (entry, index) {
      if (entry.keys[column] === undefined) {
        entry.keys[column] = key(entry.row.cells[column], numeric);
      }
      return { entry: entry, index: index, key: entry.keys[column] };
    });
    ordered.sort(function (a, b) {
      var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      if (!ascending) {
        order = -order;
      }
      return order !== 0 ? order : a.index - b.index;
    });
    this.entries = ordered.map(function (item) { return item.entry; });
    this.render();
  };

  Rows.prototype.filter = function (query) {
    this.query = query;
    this.limit = this.step;
    this.render();
  };

  function attachSorting(table, rows) {
    var headers = table.tHead.rows[0].cells;
    var sortBy = function (th, column) {
      var numeric = th.getAttribute('data-type') === 'number';
      var current = th.getAttribute('aria-sort');
      var ascending = current === 'ascending' || current === 'descending' ? current === 'descending' : !numeric;
      rows.sort(column, numeric, ascending);
      Array.prototype.forEach.call(headers, function (other) {
        other.setAttribute('aria-sort', 'none');
      });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    };
    Array.prototype.forEach.call(headers, function (th, column) {
      th.setAttribute('tabindex', '0');
      if (!th.hasAttribute('aria-sort')) {
        th.setAttribute('aria-sort', 'none');
      }
      th.addEventListener('click', function () { sortBy(th, column); });
      th.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          sortBy(th, column);
        }
      });
    });
  }

  function attachFilter(table, rows) {
    var input = document.getElementById(table.getAttribute('data-filter') || '');
    if (!input) {
      return;
    }
    var counter = document.getElementById(table.getAttribute('data-count') || '');
    if (counter) {
      rows.listeners.push(function () { counter.textContent = grouped(rows.matches); });
    }
    input.addEventListener('input', function () { rows.filter(input.value.trim().toLowerCase()); });
    rows.query = input.value.trim().toLowerCase(); // a browser may restore what was typed before a reload
  }

  function button(text, action) {
    var element = document.createElement('button');
    element.type = 'button';
    element.textContent = text;
    element.addEventListener('click', action);
    return element;
  }

  function attachMore(table, rows) {
    if (rows.step === Infinity) {
      return;
    }
    var more = document.getElementById(table.getAttribute('data-more') || '');
    if (!more) {
      more = document.createElement('p');
      table.insertAdjacentElement('afterend', more);
    }
    var update = function () {
      var rest = rows.matches - rows.shown;
      more.hidden = rest === 0;
      more.textContent = 'Showing ' + grouped(rows.shown) + ' of ' + grouped(rows.matches)
          + (rows.query === '' ? ' rows' : ' matching rows') + '; the filter and sorting search all rows. ';
      more.appendChild(button('Show ' + grouped(Math.min(rest, rows.step)) + ' more', function () {
        rows.limit = rows.shown + rows.step;
        rows.render();
      }));
      if (rest > rows.step) {
        more.appendChild(document.createTextNode(' '));
        more.appendChild(button('Show all ' + grouped(rows.matches), function () {
          rows.limit = Infinity;
          rows.render();
        }));
      }
    };
    rows.listeners.push(update);
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
    var rows = new Rows(table);
    attachSorting(table, rows);
    attachFilter(table, rows);
    attachMore(table, rows);
    attachLinks(table);
    rows.render(); // reads every row's hidden flag, writes none on a fresh page: the page shows what it should
  });
})();

// The module tree of model-summary's model page as a zoomable treemap. No dependencies, no network.
//  A script element of type application/json, id "tree", holds the tree as {"n": name, "v": parameters,
//  "c": [children]}; <div id="treemap" data-root="MODEL"> receives the boxes and <nav id="treemap-path"> the
//  path back up. (This comment is inlined into a page: it must never spell the script element's end tag.)
//  Each module under the one in view is a box whose area is its parameter count (squarified layout), with its
//  own sub-modules drawn inside; a click zooms into it, a name in the path zooms back out.
(function () {
  'use strict';
  var data = document.getElementById('tree');
  var view = document.getElementById('treemap');
  var path = document.getElementById('treemap-path');
  if (!data || !view || !path) {
    return;
  }
  var COLOURS = ['#4e79a7', '#e8833a', '#d1495b', '#3f9c94', '#59a14f', '#b07aa1', '#9c755f', '#c9a227',
    '#6b7fd7', '#8f6f3f'];
  var OWN = '#8a8f98';
  var HEADER = 18;
  var INNER_HEADER = 16;
  var INNER_LEVELS = 3;
  var root = JSON.parse(data.textContent);
  var total = root.v;
  var focus = root;

  (function link(node, parent) {
    node.parent = parent;
    (node.c || []).forEach(function (child) { link(child, node); });
  })(root, null);

  // The boxes inside a node, largest first (ties in module order): its sub-modules and, when it has tensors
  // of its own besides, one box for those.
  function parts(node) {
    var children = (node.c || []).filter(function (child) { return child.v > 0; });
    var inside = children.reduce(function (sum, child) { return sum + child.v; }, 0);
    if (children.length > 0 && node.v - inside > 0) {
      children = children.concat([{ n: '(own tensors)', v: node.v - inside, own: true, parent: node }]);
    }
    return children.slice().sort(function (a, b) { return b.v - a.v; }); // stable: ties keep module order
  }

  // A squarified treemap (Bruls, Huizing, van Wijk 2000) laid out in reading order: rows across the whole
  // width, top to bottom, each filled left to right with the next items (largest first) while that keeps the
  // row's worst aspect ratio down. (Rows along the shorter side, as the paper lays them, put a wide box's
  // items in columns: 0 1 2 3 down the first, 4 5 6 7 down the next.)
  function squarify(items, x, y, w, h) {
    var rects = [];
    var sum = items.reduce(function (s, item) { return s + item.v; }, 0);
    if (sum <= 0 || w <= 0 || h <= 0) {
      return rects;
    }
    var scale = w * h / sum;
    var i = 0;
    while (i < items.length) {
      var row = [];
      var rowArea = 0;
      var best = Infinity;
      var smallest = Infinity;
      var largest = 0;
      while (i < items.length) {
        var area = items[i].v * scale;
        var nextArea = rowArea + area;
        var lo = Math.min(smallest, area);
        var hi = Math.max(largest, area);
        var worst = Math.max(w * w * hi / (nextArea * nextArea), nextArea * nextArea / (w * w * lo));
        if (row.length > 0 && worst > best) {
          break;
        }
        row.push(items[i]);
        rowArea = nextArea;
        best = worst;
        smallest = lo;
        largest = hi;
        i++;
      }
      var thickness = i < items.length ? rowArea / w : h; // the last row takes what rounding left
      var offset = 0;
      row.forEach(function (item) {
        var length = item.v * scale / (rowArea / w);
        rects.push({ item: item, x: x + offset, y: y, w: length, h: thickness });
        offset += length;
      });
      y += thickness;
      h -= thickness;
    }
    return rects;
  }

  function pathOf(node) {
    var names = [];
    for (var n = node; n && n.parent; n = n.parent) {
      names.unshift(n.n);
    }
    return names.join('.');
  }

  function share(value) {
    return total > 0 ? (100 * value / total).toFixed(2) + ' %' : '0.00 %';
  }

  function describe(node) {
    var where = node.own ? pathOf(node.parent) + ' (own tensors)' : pathOf(node) || view.getAttribute('data-root');
    return where + '\n' + node.v.toLocaleString('en-US') + ' parameters, ' + share(node.v) + ' of the model';
  }

  // Labels fit their box: a name too long keeps its start and end around an ellipsis (the box's tooltip has
  // the whole path), the share shows only where it fits too, and a box too small for a few letters has none.
  var ELLIPSIS = '\u2026';
  var measure = document.createElement('canvas').getContext('2d');
  var family = window.getComputedStyle(view).fontFamily || 'sans-serif';

  function textWidth(text, size) {
    if (!measure) {
      return text.length * size * 0.6;
    }
    measure.font = size + 'px ' + family;
    return measure.measureText(text).width;
  }

  function middle(text, width, size) {
    if (textWidth(text, size) <= width) {
      return text;
    }
    var lo = 0;
    var hi = text.length - 1;
    while (lo < hi) { // the most characters kept that fit
      var mid = Math.ceil((lo + hi) / 2);
      if (textWidth(cut(text, mid), size) <= width) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo < 2 ? '' : cut(text, lo);
  }

  function cut(text, keep) {
    var head = Math.ceil(keep / 2);
    return text.slice(0, head) + ELLIPSIS + text.slice(text.length - (keep - head));
  }

  function label(node, w, h, inner) {
    var size = inner ? 11 : 12;
    var room = w - (inner ? 8 : 12) - 2;
    if (h < (inner ? 14 : 16) || room < 3 * size) {
      return null;
    }
    var name = middle(node.n, room, size);
    if (name === '') {
      return null;
    }
    var text = document.createElement('div');
    text.className = 'tm-label';
    text.textContent = name;
    var percent = share(node.v);
    if (textWidth(name, size) + 6 + textWidth(percent, size) <= room) {
      var span = document.createElement('span');
      span.className = 'share';
      span.textContent = percent;
      text.appendChild(span);
    }
    return text;
  }

  function place(element, rect) {
    element.style.left = rect.x + 'px';
    element.style.top = rect.y + 'px';
    element.style.width = Math.max(0, rect.w) + 'px';
    element.style.height = Math.max(0, rect.h) + 'px';
  }

  function zoomable(node) {
    return !node.own && parts(node).length > 0;
  }

  function drawBox(rect, colour) {
    var node = rect.item;
    var box = document.createElement('div');
    box.className = 'tm-box';
    box.style.background = node.own || node.k ? OWN : colour;
    box.title = describe(node);
    place(box, rect);
    var text = label(node, rect.w, rect.h, false);
    if (text) {
      box.appendChild(text);
    }
    if (zoomable(node)) {
      box.classList.add('zoomable');
      box.setAttribute('role', 'button');
      box.setAttribute('tabindex', '0');
      box.addEventListener('click', function () { zoom(node); });
      box.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          zoom(node);
        }
      });
      drawInside(box, node, rect.w, rect.h, HEADER, 1);
    } else if (rect.w > 120 && rect.h > 44) {
      var count = document.createElement('div');
      count.className = 'tm-label tm-count';
      count.textContent = node.v.toLocaleString('en-US') + ' parameters';
      box.appendChild(count);
    }
    view.appendChild(box);
  }

  // Sub-modules drawn inside their module's box, a few levels deep while there is room for them to be seen.
  function drawInside(container, node, w, h, header, level) {
    if (level > INNER_LEVELS || w < 48 || h < header + 24) {
      return;
    }
    squarify(parts(node), 2, header, w - 6, h - header - 4).forEach(function (inner) {
      var cell = document.createElement('div');
      cell.className = 'tm-inner';
      cell.title = describe(inner.item);
      place(cell, inner);
      var text = label(inner.item, inner.w, inner.h, true);
      if (text) {
        cell.appendChild(text);
        if (!inner.item.own) {
          drawInside(cell, inner.item, inner.w, inner.h, INNER_HEADER, level + 1);
        }
      }
      container.appendChild(cell);
    });
  }

  function drawPath() {
    path.textContent = '';
    var chain = [];
    for (var n = focus; n; n = n.parent) {
      chain.unshift(n);
    }
    chain.forEach(function (node, index) {
      var name = node.parent ? node.n : view.getAttribute('data-root') || 'model';
      if (index > 0) {
        var sep = document.createElement('span');
        sep.className = 'sep';
        sep.textContent = '\u203a';
        path.appendChild(sep);
      }
      var item;
      if (node === focus) {
        item = document.createElement('span');
        item.className = 'here';
      } else {
        item = document.createElement('button');
        item.type = 'button';
        item.addEventListener('click', function () { zoom(node); });
      }
      item.textContent = name;
      path.appendChild(item);
    });
    var size = document.createElement('span');
    size.className = 'muted';
    size.textContent = ' \u2014 ' + focus.v.toLocaleString('en-US') + ' parameters, ' + share(focus.v);
    path.appendChild(size);
  }

  function draw() {
    view.textContent = '';
    var items = parts(focus);
    if (items.length === 0) {
      items = [focus];
    }
    squarify(items, 0, 0, view.clientWidth, view.clientHeight).forEach(function (rect, index) {
      drawBox(rect, COLOURS[index % COLOURS.length]);
    });
    drawPath();
  }

  function zoom(node) {
    focus = node;
    draw();
  }

  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(draw, 100);
  });
  draw();
})();

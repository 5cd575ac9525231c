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

  // The boxes inside a node: its sub-modules and, when it has tensors of its own besides, one box for those.
  function parts(node) {
    var children = (node.c || []).filter(function (child) { return child.v > 0; });
    var inside = children.reduce(function (sum, child) { return sum + child.v; }, 0);
    if (children.length > 0 && node.v - inside > 0) {
      children = children.concat([{ n: '(own tensors)', v: node.v - inside, own: true, parent: node }]);
      children.sort(function (a, b) { return b.v - a.v; });
    }
    return children;
  }

  // Squarified treemap (Bruls, Huizing, van Wijk 2000): rows along the shorter side, each row grown while
  // that keeps its worst aspect ratio down.
  function squarify(items, x, y, w, h) {
    var rects = [];
    var sum = items.reduce(function (s, item) { return s + item.v; }, 0);
    if (sum <= 0 || w <= 0 || h <= 0) {
      return rects;
    }
    var scale = w * h / sum;
    var i = 0;
    while (i < items.length) {
      var side = Math.min(w, h);
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
        var worst = Math.max(side * side * hi / (nextArea * nextArea), nextArea * nextArea / (side * side * lo));
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
      var thickness = rowArea / side;
      var offset = 0;
      row.forEach(function (item) {
        var length = item.v * scale / thickness;
        rects.push(w >= h ? { item: item, x: x, y: y + offset, w: thickness, h: length }
          : { item: item, x: x + offset, y: y, w: length, h: thickness });
        offset += length;
      });
      if (w >= h) {
        x += thickness;
        w -= thickness;
      } else {
        y += thickness;
        h -= thickness;
      }
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

  function label(node) {
    var text = document.createElement('div');
    text.className = 'tm-label';
    text.textContent = node.n;
    var percent = document.createElement('span');
    percent.className = 'share';
    percent.textContent = share(node.v);
    text.appendChild(percent);
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
    box.appendChild(label(node));
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
      if (inner.w > 40 && inner.h > 14) {
        cell.appendChild(label(inner.item));
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

/* linkage graph page: draws the embedded data with vis-network (MIT, part of linkage).
 *
 * Every name from the data is put on the page with textContent, never as HTML: survey
 * data may contain anything. The data element holds:
 *   nodes: {id, label, x, y, size, color, shape, border, values: {key: [...]}}  (columns)
 *   colors {title, items: [{label, color, count}], more}, shapes [{shape, label, color}],
 *   borders [{label, color, width, dashes}], tooltip [{key, label, format}],
 *   filters [{key, label, options, codes}], toggles [{label, target, values}],
 *   edges {from, to, value, width, type}, edge_types [{label, color, dashes, arrows}],
 *   units, notice, physics, labels, counts, item,
 *   text {click_hint, find_label, counts, ...}: every text the script shows, in the page's
 *   language ({name} fields filled here), and locale: the BCP 47 locale of the numbers.
 */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('linkage-data').textContent);
  var N = data.nodes.label.length;
  var M = data.edges.from.length;
  var units = data.units || '';
  var text = data.text || {};
  var loc = data.locale || 'en-US';
  function say(key, values, fallback) {
    var s = text[key] !== undefined ? String(text[key]) : fallback;
    Object.keys(values || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(values[k])); });
    return s;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  var numFmt = new Intl.NumberFormat(loc, {maximumFractionDigits: 0});
  var smallFmt = new Intl.NumberFormat(loc, {maximumSignificantDigits: 3});
  var indexFmt = new Intl.NumberFormat(loc, {minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false});
  var pctFmt = [0, 1].map(function (d) {
    return new Intl.NumberFormat(loc, {minimumFractionDigits: d, maximumFractionDigits: d, useGrouping: false});
  });
  function fmt(v, format) {
    if (v === null || v === undefined || v === '') return null;
    switch (format) {
      case 'money': return (units ? units + ' ' : '') + (Math.abs(v) >= 100 ? numFmt.format(v) : smallFmt.format(v));
      case 'share': return pctFmt[v < 0.1 && v > 0 ? 1 : 0].format(100 * v) + '%';
      case 'index': return indexFmt.format(Number(v));
      case 'int': return numFmt.format(v);
      case 'num': return Math.abs(v) >= 100 ? numFmt.format(v) : smallFmt.format(v);
      default: return String(v);
    }
  }

  /* ---------------------------------------------------------------- nodes and edges */
  function nodeColour(i) {
    var s = data.shapes[data.nodes.shape[i]];
    if (s && s.color) return s.color;
    var c = data.colors.items[data.nodes.color[i]];
    return c ? c.color : '#999999';
  }
  var nodeArray = new Array(N);
  for (var i = 0; i < N; i++) {
    var b = data.borders[data.nodes.border[i]] || {color: '#444444', width: 1, dashes: false};
    var bg = nodeColour(i);
    var item = {
      id: i, x: data.nodes.x[i], y: data.nodes.y[i], size: data.nodes.size[i],
      shape: data.shapes[data.nodes.shape[i]].shape,
      borderWidth: b.width, borderWidthSelected: b.width + 2,
      color: {background: bg, border: b.color, highlight: {background: bg, border: '#000000'},
              hover: {background: bg, border: '#000000'}},
      shapeProperties: {borderDashes: b.dashes ? [4, 3] : false}
    };
    if (data.labels) item.label = data.nodes.label[i];
    nodeArray[i] = item;
  }
  var edgeArray = new Array(M);
  for (var k = 0; k < M; k++) {
    var t = data.edge_types[data.edges.type[k]];
    edgeArray[k] = {
      id: k, from: data.edges.from[k], to: data.edges.to[k], width: data.edges.width[k],
      dashes: t.dashes ? [6, 4] : false, arrows: t.arrows ? {to: {enabled: true, scaleFactor: 0.45}} : '',
      color: {color: t.color, highlight: '#000000', hover: '#000000', opacity: t.opacity || 0.8}
    };
  }
  var nodes = new vis.DataSet(nodeArray);
  var edges = new vis.DataSet(edgeArray);
  var big = N > 1500 || M > 6000;
  var options = {
    autoResize: true,
    physics: data.physics ? {enabled: true, solver: 'forceAtlas2Based',
                             stabilization: {enabled: true, iterations: 300, fit: true}} : false,
    layout: {improvedLayout: false, randomSeed: 1},
    interaction: {hover: true, hideEdgesOnDrag: big, hideEdgesOnZoom: big, tooltipDelay: 150,
                  multiselect: false, navigationButtons: false, keyboard: false},
    nodes: {font: {size: 13, face: 'sans-serif', strokeWidth: 3, strokeColor: '#ffffff'}},
    edges: {smooth: false, selectionWidth: 2, hoverWidth: 1}
  };
  var container = document.getElementById('graph');
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);

  var t0 = performance.now();
  window.linkageGraph = {network: network, nodes: nodes, edges: edges, data: data, ready: false};
  // ready = drawn once and (with physics) stabilized, in whichever order they happen
  var drawn = false, stable = !data.physics;
  function checkReady() {
    if (!drawn || !stable || window.linkageGraph.ready) return;
    window.linkageGraph.ready = true;
    window.linkageGraph.renderMs = performance.now() - t0;
    document.getElementById('loading').hidden = true;
  }
  network.once('afterDrawing', function () { drawn = true; checkReady(); });
  if (data.physics) {
    network.once('stabilizationIterationsDone', function () { stable = true; checkReady(); });
    network.once('stabilized', function () { stable = true; checkReady(); });
  }

  /* ---------------------------------------------------------------- notice */
  if (data.notice) {
    var notice = document.getElementById('notice');
    notice.textContent = data.notice;
    notice.hidden = false;
  }

  /* ---------------------------------------------------------------- tooltips, details */
  function infoTable(i) {
    var box = el('div');
    box.appendChild(el('div', 'tt-name', data.nodes.label[i]));
    var table = el('table');
    data.tooltip.forEach(function (f) {
      var col = data.nodes.values[f.key];
      if (!col) return;
      var text = fmt(col[i], f.format);
      if (text === null) return;
      var tr = el('tr');
      tr.appendChild(el('td', 'k', f.label));
      tr.appendChild(el('td', 'v', text));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }
  function edgeInfo(k) {
    var box = el('div');
    var t = data.edge_types[data.edges.type[k]];
    box.appendChild(el('div', 'tt-name', t.label));
    var table = el('table');
    var rows = [[t.from_label || say('from', null, 'From'), data.nodes.label[data.edges.from[k]]],
                [t.to_label || say('to', null, 'To'), data.nodes.label[data.edges.to[k]]],
                [t.value_label || say('value', null, 'Value'), fmt(data.edges.value[k], t.format || 'money')]];
    rows.forEach(function (r) {
      if (r[1] === null) return;
      var tr = el('tr');
      tr.appendChild(el('td', 'k', r[0]));
      tr.appendChild(el('td', 'v', r[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }
  var tooltip = document.getElementById('tooltip');
  function showTooltip(content, x, y) {
    tooltip.replaceChildren(content);
    tooltip.hidden = false;
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    var left = Math.min(x + 14, window.innerWidth - w - 8);
    var top = y + 14 + h > window.innerHeight ? y - h - 10 : y + 14;
    tooltip.style.left = Math.max(4, left) + 'px';
    tooltip.style.top = Math.max(4, top) + 'px';
  }
  function hideTooltip() { tooltip.hidden = true; }
  function pointerXY(params, fallbackNode) {
    var rect = container.getBoundingClientRect();
    if (params && params.pointer && params.pointer.DOM) {
      return [rect.left + params.pointer.DOM.x, rect.top + params.pointer.DOM.y];
    }
    var p = network.canvasToDOM(network.getPosition(fallbackNode));
    return [rect.left + p.x, rect.top + p.y];
  }
  network.on('hoverNode', function (params) {
    var xy = pointerXY(params, params.node);
    showTooltip(infoTable(params.node), xy[0], xy[1]);
  });
  network.on('blurNode', hideTooltip);
  network.on('hoverEdge', function (params) {
    var xy = pointerXY(params, data.edges.from[params.edge]);
    showTooltip(edgeInfo(params.edge), xy[0], xy[1]);
  });
  network.on('blurEdge', hideTooltip);
  network.on('dragStart', hideTooltip);
  network.on('zoom', hideTooltip);

  var details = document.getElementById('details');
  function showDetails(i) {
    details.replaceChildren(infoTable(i));
  }
  network.on('selectNode', function (params) { showDetails(params.nodes[0]); });
  network.on('deselectNode', function () {
    details.replaceChildren(el('p', 'hint', say('click_hint', null, 'Click a circle or shape to see its figures here.')));
  });
  function selectNode(i) {
    hideTooltip();
    if (nodes.get(i).hidden) resetFilters();
    network.selectNodes([i]);
    network.focus(i, {scale: Math.max(network.getScale(), 1.0), animation: false});
    showDetails(i);
  }

  /* ---------------------------------------------------------------- search */
  var search = document.getElementById('search');
  var matches = document.getElementById('matches');
  var lower = data.nodes.label.map(function (s, i) {
    return (String(s) + ' ' + String(data.nodes.id[i])).toLowerCase();
  });
  function findMatches(q) {
    var out = [];
    q = q.trim().toLowerCase();
    if (!q) return out;
    for (var i = 0; i < N && out.length < 20; i++) if (lower[i].indexOf(q) >= 0) out.push(i);
    return out;
  }
  search.addEventListener('input', function () {
    matches.replaceChildren();
    findMatches(search.value).forEach(function (i) {
      var li = el('li');
      var btn = el('button', null, data.nodes.label[i]);
      btn.type = 'button';
      btn.title = String(data.nodes.id[i]);
      btn.addEventListener('click', function () { selectNode(i); });
      li.appendChild(btn);
      matches.appendChild(li);
    });
  });
  search.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') {
      var found = findMatches(search.value);
      if (found.length) selectNode(found[0]);
    }
  });
  search.placeholder = say('find_placeholder', null, 'type a name or id of a ' + (data.item || 'node'));
  document.querySelector('label[for=search]').textContent = say('find_label', null, 'Find a ' + (data.item || 'node'));

  /* ---------------------------------------------------------------- filters */
  var filterBox = document.getElementById('filters');
  var selects = [];
  (data.filters || []).forEach(function (f) {
    var wrap = el('div', 'filter');
    var label = el('label', null, f.label);
    var sel = el('select');
    sel.id = 'filter-' + f.key;
    label.htmlFor = sel.id;
    var all = el('option', null, say('all', null, 'all'));
    all.value = '-1';
    sel.appendChild(all);
    f.options.forEach(function (name, j) {
      var o = el('option', null, name);
      o.value = String(j);
      sel.appendChild(o);
    });
    sel.addEventListener('change', applyFilters);
    wrap.appendChild(label);
    wrap.appendChild(sel);
    filterBox.appendChild(wrap);
    selects.push([f, sel]);
  });
  var toggleBox = document.getElementById('toggles');
  var toggles = [];
  (data.toggles || []).forEach(function (t, j) {
    var label = el('label', 'toggle');
    var box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.id = 'toggle-' + j;
    box.addEventListener('change', applyFilters);
    label.appendChild(box);
    label.appendChild(document.createTextNode(' ' + t.label));
    toggleBox.appendChild(label);
    toggles.push([t, box]);
  });
  if (!selects.length && !toggles.length) document.getElementById('filters').hidden = true;

  var nodeHidden = new Uint8Array(N), edgeHidden = new Uint8Array(M);
  function applyFilters(event) {
    hideTooltip();
    var hiddenShapes = {}, hiddenTypes = {};
    toggles.forEach(function (p) {
      if (p[1].checked) return;
      var target = p[0].target === 'edges' ? hiddenTypes : hiddenShapes;
      p[0].values.forEach(function (v) { target[v] = true; });
    });
    var active = selects.filter(function (p) { return parseInt(p[1].value, 10) >= 0; });
    var hide = new Uint8Array(N);
    for (var i = 0; i < N; i++) {
      if (hiddenShapes[data.nodes.shape[i]] === true) { hide[i] = 1; continue; }
      // outside parties (shape > 0) have no sentra or sector: they follow their partners
      if (data.nodes.shape[i] > 0 && data.kind === 'firms') { hide[i] = active.length ? 2 : 0; continue; }
      for (var s = 0; s < active.length && !hide[i]; s++) {
        if (active[s][0].codes[i] !== parseInt(active[s][1].value, 10)) hide[i] = 1;
      }
    }
    if (active.length) {  // show an outside party that trades with a firm still shown
      for (var q = 0; q < M; q++) {
        var a = data.edges.from[q], b = data.edges.to[q];
        if (hide[a] === 2 && !hide[b] && data.nodes.shape[b] === 0) hide[a] = 0;
        if (hide[b] === 2 && !hide[a] && data.nodes.shape[a] === 0) hide[b] = 0;
      }
    }
    var nodeUpdates = [], edgeUpdates = [], shown = 0, shownEdges = 0, visible = [];
    for (var j = 0; j < N; j++) {
      var h1 = hide[j] ? 1 : 0;
      if (h1 !== nodeHidden[j]) {
        nodeHidden[j] = h1;
        nodeUpdates.push({id: j, hidden: h1 === 1});
      }
      if (!h1) { shown++; visible.push(j); }
    }
    for (var k = 0; k < M; k++) {
      var h = nodeHidden[data.edges.from[k]] || nodeHidden[data.edges.to[k]] ||
              hiddenTypes[data.edges.type[k]] === true;
      if ((h ? 1 : 0) !== edgeHidden[k]) {
        edgeHidden[k] = h ? 1 : 0;
        edgeUpdates.push({id: k, hidden: !!h});
      }
      if (!h) shownEdges++;
    }
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    showCounts(shown, shownEdges);
    if (event && event.target && event.target.tagName === 'SELECT' && visible.length) {
      network.fit({nodes: visible, animation: false});
    }
  }
  function resetFilters() {
    selects.forEach(function (p) { p[1].value = '-1'; });
    toggles.forEach(function (p) { p[1].checked = true; });
    applyFilters();
  }
  function showCounts(shown, shownEdges) {
    var c = data.counts || {};
    var line = say('counts', {shown: numFmt.format(shown), total: numFmt.format(N),
                              shown_links: numFmt.format(shownEdges), total_links: numFmt.format(M)},
      'Showing ' + numFmt.format(shown) + ' of ' + numFmt.format(N) + ' ' +
      (c.node_noun || 'nodes') + ' and ' + numFmt.format(shownEdges) + ' of ' +
      numFmt.format(M) + ' links.');
    document.getElementById('counts').textContent = line;
  }
  showCounts(N, M);
  document.getElementById('fit').addEventListener('click', function () { network.fit({animation: false}); });

  /* ---------------------------------------------------------------- legend */
  var SVGNS = 'http://www.w3.org/2000/svg';
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (a) { e.setAttribute(a, attrs[a]); });
    return e;
  }
  function shapeIcon(shape, fill, stroke, width, dashes) {
    var svg = svgEl('svg', {width: 18, height: 18, viewBox: '0 0 18 18'});
    var common = {fill: fill, stroke: stroke, 'stroke-width': width};
    if (dashes) common['stroke-dasharray'] = '3,2';
    var e;
    if (shape === 'diamond') e = svgEl('polygon', Object.assign({points: '9,1 17,9 9,17 1,9'}, common));
    else if (shape === 'triangle') e = svgEl('polygon', Object.assign({points: '9,2 17,16 1,16'}, common));
    else if (shape === 'triangleDown') e = svgEl('polygon', Object.assign({points: '1,2 17,2 9,16'}, common));
    else if (shape === 'square' || shape === 'box') e = svgEl('rect', Object.assign({x: 2, y: 2, width: 14, height: 14}, common));
    else if (shape === 'star') e = svgEl('polygon', Object.assign({points: '9,1 11,7 17,7 12,11 14,17 9,13 4,17 6,11 1,7 7,7'}, common));
    else e = svgEl('circle', Object.assign({cx: 9, cy: 9, r: 7}, common));
    svg.appendChild(e);
    return svg;
  }
  function lineIcon(colour, dashes, arrows) {
    var svg = svgEl('svg', {width: 28, height: 12, viewBox: '0 0 28 12'});
    var attrs = {x1: 1, y1: 6, x2: arrows ? 21 : 27, y2: 6, stroke: colour, 'stroke-width': 2.5};
    if (dashes) attrs['stroke-dasharray'] = '5,3';
    svg.appendChild(svgEl('line', attrs));
    if (arrows) svg.appendChild(svgEl('polygon', {points: '20,1 27,6 20,11', fill: colour}));
    return svg;
  }
  var legend = document.getElementById('legend');
  function legendRow(icon, text) {
    var row = el('div', 'row');
    row.appendChild(icon);
    row.appendChild(el('span', null, text));
    legend.appendChild(row);
  }
  if (data.legend_note) legend.appendChild(el('p', 'hint', data.legend_note));
  legend.appendChild(el('div', 'sub', say('shapes', null, 'Shapes')));
  var usedShapes = {};
  for (var s = 0; s < N; s++) usedShapes[data.nodes.shape[s]] = true;
  data.shapes.forEach(function (sh, j) {
    if (usedShapes[j]) legendRow(shapeIcon(sh.shape, sh.color || '#bbbbbb', '#444444', 1, false), sh.label);
  });
  if (data.colors.items.length) {
    legend.appendChild(el('div', 'sub', say('colour', {title: data.colors.title}, 'Colour: ' + data.colors.title)));
    data.colors.items.slice(0, 16).forEach(function (c) {
      legendRow(shapeIcon('dot', c.color, '#444444', 1, false),
                // the name between directional isolates: right-to-left text cannot move the count
                '\u2068' + c.label + '\u2069' +
                (c.count !== undefined && c.count !== null ? ' (' + numFmt.format(c.count) + ')' : ''));
    });
    var more = data.colors.items.length - 16 + (data.colors.more || 0);
    if (more > 0) legend.appendChild(el('p', 'hint', say('more_groups', {n: numFmt.format(more)}, '... and ' + more + ' more groups')));
  }
  if (data.borders.length > 1) {
    legend.appendChild(el('div', 'sub', data.border_title || say('border', null, 'Border')));
    data.borders.forEach(function (b) {
      legendRow(shapeIcon('dot', '#ffffff', b.color, Math.min(b.width, 3), b.dashes), b.label);
    });
  }
  var usedTypes = {};
  for (var e2 = 0; e2 < M; e2++) usedTypes[data.edges.type[e2]] = true;
  legend.appendChild(el('div', 'sub', say('lines', null, 'Lines')));
  data.edge_types.forEach(function (t, j) {
    if (usedTypes[j]) legendRow(lineIcon(t.color, t.dashes, t.arrows), t.label);
  });
  if (data.size_note) legend.appendChild(el('p', 'hint', data.size_note));
})();

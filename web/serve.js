// The live page of `cjmsim serve`: draws the results the server sends, asks
// for a new simulation when a slider moves, and polls for the results of a
// saved scenario file. Every text from the scenario is set with textContent,
// so a scenario cannot put markup into the page. Every text of the page itself
// comes from the server's dictionary (/api/strings) in the reader's language,
// and numbers are written the way that language writes them.
'use strict';

(function () {
  const token = new URLSearchParams(location.search).get('token') || '';
  const SVG = 'http://www.w3.org/2000/svg';
  const COLOURS = ['#505050', '#E69F00', '#0072B2', '#009E73', '#CC79A7', '#D55E00', '#56B4E9'];
  const POLL_MS = 100;

  let words = {};          // key -> text in the reader's language
  let fmtInt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  let fmt2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  let fmtSigned = new Intl.NumberFormat('en-US',
    { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'always' });
  let fmtShort = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
  let fmtTick = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3, signDisplay: 'exceptZero' });

  let shown = -1;          // the version on screen
  let sliderKey = '';      // which parameters the sliders were built for
  let inflight = false;    // one /api/run at a time ...
  let pending = null;      // ... and the latest slider move waiting for it

  function api(path, args) {
    const q = new URLSearchParams(args || {});
    q.set('token', token);
    return fetch(path + '?' + q.toString(), { credentials: 'same-origin', cache: 'no-store' })
      .then((r) => r.json().then((body) => ({ status: r.status, body })));
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  // A text of the page; {name} in it is replaced by args.name.
  function t(key, args) {
    const text = words[key] !== undefined ? words[key] : key;
    return text.replace(/\{(\w+)\}/g, (m, k) => (args && args[k] !== undefined ? String(args[k]) : m));
  }

  function useStrings(d) {
    words = d.strings || {};
    const loc = d.locale || 'en-US';
    fmtInt = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
    fmt2 = new Intl.NumberFormat(loc, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    fmtSigned = new Intl.NumberFormat(loc,
      { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'always' });
    fmtShort = new Intl.NumberFormat(loc, { maximumSignificantDigits: 4 });
    fmtTick = new Intl.NumberFormat(loc, { maximumFractionDigits: 3, signDisplay: 'exceptZero' });
    document.documentElement.lang = d.lang || 'en';
    document.querySelectorAll('[data-t]').forEach((e) => { e.textContent = t(e.dataset.t); });
    document.body.classList.remove('waiting');
  }

  function grouped(x) {
    return fmtInt.format(Math.round(x));
  }

  function pct(x) {
    return fmt2.format(100 * x) + '%';
  }

  function points(x) {
    return fmtSigned.format(100 * x);
  }

  function short(x) {
    return fmtShort.format(Number(x));
  }

  // The verdict as the summary gives it, or by the same rule from the
  // uplift's 95% interval: a gain or loss only when it excludes 0.
  function verdict(v, metric) {
    if (v.verdict) return v.verdict;
    const u = v.uplift && v.uplift[metric];
    if (!u) return null;
    const effect = u.ci95[0] > 0 ? 'gain' : u.ci95[1] < 0 ? 'loss' : 'unclear';
    const p = v.uplift.profit;
    const pays = !p ? null : p.ci95[0] > 0 ? true : p.ci95[1] < 0 ? false : null;
    return { metric, effect, pays_back: pays };
  }

  // Repeat buyers, or buyers in a journey where nobody can buy twice: the
  // summary says which, as the console and the report use.
  function headline(r) {
    if (r.headline) return r.headline;
    return r.variants.some((v) => v.repeat_buyers > 0) ? 'repeat_buyers' : 'buyers';
  }

  // --- sliders ---------------------------------------------------------

  function sliderValues() {
    const args = {};
    document.querySelectorAll('#sliders input[type=range]').forEach((input) => {
      args['set.' + input.dataset.param] = input.value;
    });
    return args;
  }

  function requestRun(t0) {
    if (inflight) {
      pending = t0;
      return;
    }
    inflight = true;
    api('/api/run', sliderValues())
      .then(({ status, body }) => {
        if (status !== 200) showError(body.error || t('refused'));
        else render(body, true);
        const ms = performance.now() - t0;
        document.body.dataset.lastUpdateMs = ms.toFixed(1);
        document.getElementById('status').textContent = t('updated', { ms: grouped(ms) });
      })
      .catch((e) => showError(t('unreachable', { error: String(e) })))
      .finally(() => {
        inflight = false;
        if (pending !== null) {
          const t = pending;
          pending = null;
          requestRun(t);
        }
      });
  }

  function buildSliders(params, values) {
    const box = document.getElementById('sliders');
    box.replaceChildren();
    if (!params.length) box.appendChild(el('p', t('no_params'), 'muted'));
    params.forEach((p) => {
      const div = el('div', null, 'slider' + (p.has_range ? '' : ' fixed'));
      const label = el('label');
      const value = el('span', null, 'value');
      label.append(el('span', p.name + ' = '), value);
      div.appendChild(label);
      if (p.has_range) {
        const input = document.createElement('input');
        input.type = 'range';
        input.min = p.low;
        input.max = p.high;
        input.step = 'any'; // the declared default need not sit on a step
        input.value = values[p.name] !== undefined ? values[p.name] : p.value;
        input.dataset.param = p.name;
        input.setAttribute('aria-label', p.name);
        value.textContent = short(input.value);
        input.addEventListener('input', () => {
          value.textContent = short(input.value);
          requestRun(performance.now());
        });
        div.appendChild(input);
        const range = el('div', null, 'range');
        range.append(el('span', short(p.low)), el('span', t('default', { value: short(p.default) })),
          el('span', short(p.high)));
        div.appendChild(range);
      } else {
        value.textContent = short(p.value);
        div.appendChild(el('div', t('not_slider'), 'range'));
      }
      box.appendChild(div);
    });
  }

  function updateSliders(params, values) {
    const key = JSON.stringify(params.map((p) => [p.name, p.has_range, p.low, p.high]));
    if (key !== sliderKey) {
      sliderKey = key;
      buildSliders(params, values);
      return;
    }
    if (inflight || pending !== null) return; // the user is moving them
    document.querySelectorAll('#sliders input[type=range]').forEach((input) => {
      const p = params.find((q) => q.name === input.dataset.param);
      if (p && document.activeElement !== input) input.value = p.value;
    });
  }

  // --- the map ---------------------------------------------------------

  function curve(r, stages) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 1000 120');
    svg.setAttribute('preserveAspectRatio', 'none');
    const y = (m) => 60 - m * 16;
    const zero = document.createElementNS(SVG, 'line');
    zero.setAttribute('x1', 0);
    zero.setAttribute('x2', 1000);
    zero.setAttribute('y1', y(0));
    zero.setAttribute('y2', y(0));
    zero.setAttribute('stroke', '#d8dee4');
    svg.appendChild(zero);
    r.variants.forEach((v, k) => {
      const line = document.createElementNS(SVG, 'polyline');
      const pts = stages.map((s, i) => {
        const m = v.mood_on_entry ? v.mood_on_entry[s.name] : null;
        return ((i + 0.5) * 1000 / stages.length).toFixed(1) + ',' + y(m || 0).toFixed(1);
      });
      line.setAttribute('points', pts.join(' '));
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', COLOURS[k % COLOURS.length]);
      line.setAttribute('stroke-width', k === 0 ? 3 : 2);
      line.setAttribute('vector-effect', 'non-scaling-stroke');
      line.dataset.variant = v.name;
      const title = document.createElementNS(SVG, 'title');
      title.textContent = t('mood_title', { variant: v.name });
      line.appendChild(title);
      svg.appendChild(line);
    });
    return svg;
  }

  function renderMap(r) {
    const stages = r.map;
    const table = document.getElementById('map');
    table.replaceChildren();
    const head = el('thead');
    const hr = el('tr');
    hr.appendChild(el('th', '', 'row'));
    stages.forEach((s) => {
      const th = el('th', s.name);
      th.dataset.stage = s.name;
      hr.appendChild(th);
    });
    head.appendChild(hr);
    table.appendChild(head);
    const body = el('tbody');
    const keys = [];
    stages.forEach((s) => Object.keys(s.texts).forEach((k) => { if (!keys.includes(k)) keys.push(k); }));
    keys.forEach((key) => {
      const tr = el('tr');
      tr.appendChild(el('th', key, 'row'));
      stages.forEach((s) => {
        const td = el('td');
        (s.texts[key] || []).forEach((t) => td.appendChild(el('span', t, 'chip')));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    const er = el('tr');
    er.appendChild(el('th', t('row_emotion'), 'row'));
    stages.forEach((s) => er.appendChild(el('td', (s.emotion > 0 ? '+' : '') + s.emotion)));
    body.appendChild(er);
    const cr = el('tr', null, 'curve');
    cr.appendChild(el('th', t('row_mood'), 'row'));
    const ctd = el('td', null, 'curve');
    ctd.colSpan = stages.length;
    ctd.appendChild(curve(r, stages));
    cr.appendChild(ctd);
    body.appendChild(cr);
    r.variants.forEach((v, k) => {
      const tr = el('tr');
      const th = el('th', t('row_reached', { variant: v.name }), 'row');
      th.style.borderLeft = '4px solid ' + COLOURS[k % COLOURS.length];
      tr.appendChild(th);
      stages.forEach((s) => {
        const n = v.reached[s.name] || 0;
        const td = el('td');
        td.dataset.variant = v.name;
        td.dataset.stage = s.name;
        td.dataset.value = n;
        td.append(el('span', grouped(n), 'num'), el('span', pct(n / v.customers), 'pct'));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
  }

  // --- variants and money ----------------------------------------------

  // The verdict in the words the console and the report use.
  function verdictWords(vd) {
    if (!vd) return [t('reference'), '—'];
    const effect = t('effect_' + vd.effect);
    const pays = t(vd.pays_back === true ? 'pays_yes' : vd.pays_back === false ? 'pays_no' : 'pays_unclear');
    return [effect, pays];
  }

  function row(table, cells, head) {
    const tr = el('tr');
    cells.forEach((c, i) => {
      const td = el(head ? 'th' : 'td', c.text !== undefined ? c.text : c, i === 0 ? 'l' : c.cls);
      if (c.key) td.dataset.key = c.key;
      tr.appendChild(td);
    });
    table.appendChild(tr);
    return tr;
  }

  function renderVariants(r) {
    const metric = headline(r);
    const tab = document.getElementById('variants');
    tab.replaceChildren();
    row(tab, [t('variant'), t('buyers'), t('repeat_buyers'), t('uplift_col') + ' (' + t(metric) + ')',
      t('verdict'), t('pays_col')], true);
    r.variants.forEach((v) => {
      const u = v.uplift && v.uplift[metric];
      const vd = v.uplift ? verdict(v, metric) : null;
      const [effect, pays] = verdictWords(vd);
      const tr = row(tab, [v.name, pct(v.buyer_rate), pct(v.repeat_rate),
        u ? points(u.diff) + ' [' + points(u.ci95[0]) + '; ' + points(u.ci95[1]) + ']' : t('reference'),
        { text: effect, cls: vd ? 'l ' + vd.effect : 'l', key: 'verdict' },
        { text: pays, cls: 'l', key: 'pays_back' }]);
      tr.dataset.variant = v.name;
    });
    const m = document.getElementById('money');
    m.replaceChildren();
    row(m, [t('variant'), t('revenue'), t('cost'), t('profit'), t('vs_baseline')], true);
    r.variants.forEach((v) => {
      const tr = row(m, [v.name, grouped(v.revenue), grouped(v.cost),
        { text: grouped(v.profit), key: 'profit' },
        v.incremental_profit !== undefined ? (v.incremental_profit >= 0 ? '+' : '') + grouped(v.incremental_profit) : '']);
      tr.dataset.variant = v.name;
    });
  }

  // --- charts ----------------------------------------------------------
  // Inline SVG, drawn from the numbers the server sends: nothing is fetched.
  // Sizes are in the viewBox's units and the SVG is as wide as the page, so
  // the text stays large enough to read on a projector.

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach((k) => e.setAttribute(k, attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function colour(k) {
    return COLOURS[k % COLOURS.length];
  }

  // About n round values covering [lo, hi].
  function ticks(lo, hi, n) {
    const span = hi - lo > 0 ? hi - lo : Math.abs(hi) || 1;
    const raw = span / n;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / mag;
    const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    const out = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }

  // (a) Each variant's uplift of the headline metric against the baseline,
  // in points of customers, with its 95% interval as an error bar.
  function renderUplift(r) {
    const metric = headline(r);
    document.getElementById('uplift-help').textContent = t('uplift_help', { metric: t(metric) });
    const box = document.getElementById('uplift-chart');
    box.replaceChildren();
    const rows = [];
    r.variants.forEach((v, k) => {
      const u = v.uplift && v.uplift[metric];
      if (u) rows.push({ v, k, diff: 100 * u.diff, lo: 100 * u.ci95[0], hi: 100 * u.ci95[1] });
    });
    if (!rows.length) {
      box.appendChild(el('p', t('only_baseline'), 'muted'));
      return;
    }
    const W = 1000, L = 30, R = 30, TOP = 16, ROW = 72, AXIS = 70;
    const H = TOP + ROW * rows.length + AXIS;
    let lo = Math.min(0, ...rows.map((q) => q.lo));
    let hi = Math.max(0, ...rows.map((q) => q.hi));
    if (hi - lo <= 0) { lo -= 0.01; hi += 0.01; }
    const pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    const x = (p) => L + (p - lo) / (hi - lo) * (W - L - R);
    const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'uplift' });
    svg.appendChild(svgEl('title', {}, t('h_uplift')));
    const bottom = TOP + ROW * rows.length;
    ticks(lo, hi, 6).forEach((p) => {
      svg.appendChild(svgEl('line', { x1: x(p), x2: x(p), y1: TOP, y2: bottom, class: p === 0 ? 'zero' : 'grid' }));
      svg.appendChild(svgEl('text', { x: x(p), y: bottom + 26, 'text-anchor': 'middle', class: 'tick' },
        fmtTick.format(p)));
    });
    svg.appendChild(svgEl('text', { x: (L + W - R) / 2, y: bottom + 56, 'text-anchor': 'middle', class: 'axis' },
      t('uplift_axis') + ' (' + t(metric) + ')'));
    rows.forEach((q, i) => {
      const y = TOP + ROW * i + 48;
      const c = colour(q.k);
      const g = svgEl('g', { class: 'series', 'data-variant': q.v.name, 'data-diff': q.diff });
      g.appendChild(svgEl('title', {}, t('uplift_point', {
        variant: q.v.name, diff: fmtSigned.format(q.diff), lo: fmtSigned.format(q.lo), hi: fmtSigned.format(q.hi),
      })));
      g.appendChild(svgEl('text', { x: L, y: y - 18, class: 'name', fill: c }, q.v.name + ':  ' +
        fmtSigned.format(q.diff) + ' [' + fmtSigned.format(q.lo) + '; ' + fmtSigned.format(q.hi) + ']'));
      g.appendChild(svgEl('line', { x1: x(q.lo), x2: x(q.hi), y1: y, y2: y, stroke: c, class: 'errbar' }));
      [q.lo, q.hi].forEach((p) => g.appendChild(svgEl('line', { x1: x(p), x2: x(p), y1: y - 10, y2: y + 10, stroke: c, class: 'cap' })));
      g.appendChild(svgEl('circle', { cx: x(q.diff), cy: y, r: 8, fill: c, class: 'point' }));
      svg.appendChild(g);
    });
    box.appendChild(svg);
  }

  // (b) Cumulative buyers and repeat buyers by day, one line per variant, in
  // two panels: repeat buyers are far fewer and would lie flat on one scale.
  function dailyPanel(r, key, title) {
    const d = r.daily;
    const W = 640, H = 400, L = 96, R = 20, TOP = 44, B = 64;
    const lastDay = d.days[d.days.length - 1] || 1;
    let top = 0;
    d.variants.forEach((v) => v[key].forEach((n) => { top = Math.max(top, n); }));
    const yt = ticks(0, top > 0 ? top : 1, 5);
    const yMax = Math.max(yt[yt.length - 1], top > 0 ? top : 1);
    const x = (day) => L + day / lastDay * (W - L - R);
    const y = (n) => H - B - n / yMax * (H - TOP - B);
    const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'daily', 'data-series': key });
    svg.appendChild(svgEl('title', {}, title));
    svg.appendChild(svgEl('text', { x: 8, y: 26, class: 'panel' }, title));
    yt.forEach((n) => {
      svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(n), y2: y(n), class: n === 0 ? 'zero' : 'grid' }));
      svg.appendChild(svgEl('text', { x: L - 8, y: y(n) + 6, 'text-anchor': 'end', class: 'tick' }, grouped(n)));
    });
    ticks(0, lastDay, Math.min(6, lastDay)).filter((day) => Number.isInteger(day)).forEach((day) => {
      svg.appendChild(svgEl('text', { x: x(day), y: H - B + 26, 'text-anchor': 'middle', class: 'tick' }, grouped(day)));
    });
    svg.appendChild(svgEl('text', { x: (L + W - R) / 2, y: H - 10, 'text-anchor': 'middle', class: 'axis' }, t('day')));
    d.variants.forEach((v, k) => {
      const path = v[key].map((n, i) => (i ? 'L' : 'M') + x(d.days[i]).toFixed(1) + ',' + y(n).toFixed(1)).join(' ');
      const g = svgEl('g', { class: 'series', 'data-variant': v.name });
      const last = v[key].length - 1;
      g.appendChild(svgEl('title', {}, t('daily_point', { variant: v.name, day: grouped(d.days[last]), value: grouped(v[key][last]) })));
      g.appendChild(svgEl('path', { d: path, fill: 'none', stroke: colour(k), 'stroke-width': k === 0 ? 4 : 3,
        'stroke-linejoin': 'round' }));
      svg.appendChild(g);
    });
    return svg;
  }

  function renderDaily(r) {
    const legend = document.getElementById('daily-legend');
    const buyers = document.getElementById('daily-buyers');
    const repeat = document.getElementById('daily-repeat');
    legend.replaceChildren();
    buyers.replaceChildren();
    repeat.replaceChildren();
    if (!r.daily) return;
    r.daily.variants.forEach((v, k) => {
      const item = el('span', null, 'item');
      const swatch = el('span', null, 'swatch');
      swatch.style.background = colour(k);
      item.append(swatch, el('span', v.name));
      item.dataset.variant = v.name;
      legend.appendChild(item);
    });
    buyers.appendChild(dailyPanel(r, 'buyers', t('daily_buyers')));
    repeat.appendChild(dailyPanel(r, 'repeat_buyers', t('daily_repeat')));
  }

  // --- state -----------------------------------------------------------

  function showError(text) {
    const box = document.getElementById('error');
    document.getElementById('error-text').textContent = text || '';
    box.hidden = !text;
  }

  function render(st, fromRun) {
    if (st.version <= shown && !fromRun) return;
    shown = Math.max(shown, st.version);
    showError(st.error);
    const r = st.results;
    if (r) {
      document.title = t('title', { scenario: r.scenario });
      document.getElementById('title').textContent = r.scenario;
      document.getElementById('facts').textContent =
        t('facts', { customers: grouped(r.customers), days: grouped(r.days), seed: String(r.seed) }) +
        (st.file ? ', ' + t('file', { file: st.file }) : '') + '.';
      updateSliders(r.param_list || [], st.sliders || {});
      renderMap(r);
      renderVariants(r);
      renderUplift(r);
      renderDaily(r);
    }
    document.body.dataset.version = String(shown);
  }

  function poll() {
    const args = shown >= 0 ? { since: String(shown) } : {};
    api('/api/state', args)
      .then(({ status, body }) => {
        if (status === 200 && body.results !== undefined && !inflight) render(body, false);
        else if (status === 200 && body.version > shown && !inflight) render(body, false);
      })
      .catch(() => {})
      .finally(() => setTimeout(poll, POLL_MS));
  }

  // The dictionary first, then the results; the server may be busy starting.
  function start() {
    api('/api/strings')
      .then(({ status, body }) => {
        if (status !== 200) throw new Error(body.error);
        useStrings(body);
        poll();
      })
      .catch(() => setTimeout(start, 500));
  }

  start();
})();

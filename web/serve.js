// The live page of `cjmsim serve`: draws the results the server sends, asks
// for a new simulation when a slider moves, and polls for the results of a
// saved scenario file. Every text from the scenario is set with textContent,
// so a scenario cannot put markup into the page.
'use strict';

(function () {
  const token = new URLSearchParams(location.search).get('token') || '';
  const SVG = 'http://www.w3.org/2000/svg';
  const COLOURS = ['#505050', '#E69F00', '#0072B2', '#009E73', '#CC79A7', '#D55E00', '#56B4E9'];
  const POLL_MS = 100;

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

  function grouped(x) {
    return Math.round(x).toLocaleString('en-US');
  }

  function pct(x) {
    return (100 * x).toFixed(2) + '%';
  }

  function points(x) {
    return (x >= 0 ? '+' : '') + (100 * x).toFixed(2);
  }

  function short(x) {
    return Number(x).toPrecision(4).replace(/\.?0+$/, '').replace(/\.?0+e/, 'e');
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

  function headline(r) {
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
        if (status !== 200) showError(body.error || 'the server refused the request');
        else render(body, true);
        const ms = performance.now() - t0;
        document.body.dataset.lastUpdateMs = ms.toFixed(1);
        document.getElementById('status').textContent = 'updated in ' + Math.round(ms) + ' ms';
      })
      .catch((e) => showError(String(e)))
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
    if (!params.length) box.appendChild(el('p', 'This scenario declares no parameters.', 'muted'));
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
        range.append(el('span', short(p.low)), el('span', 'default ' + short(p.default)),
          el('span', short(p.high)));
        div.appendChild(range);
      } else {
        value.textContent = short(p.value);
        div.appendChild(el('div', 'no low and high: not a slider', 'range'));
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
      title.textContent = v.name + ': mood on entering each stage';
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
    er.appendChild(el('th', 'emotion (declared)', 'row'));
    stages.forEach((s) => er.appendChild(el('td', (s.emotion > 0 ? '+' : '') + s.emotion)));
    body.appendChild(er);
    const cr = el('tr', null, 'curve');
    cr.appendChild(el('th', 'mood on entering, simulated', 'row'));
    const ctd = el('td', null, 'curve');
    ctd.colSpan = stages.length;
    ctd.appendChild(curve(r, stages));
    cr.appendChild(ctd);
    body.appendChild(cr);
    r.variants.forEach((v, k) => {
      const tr = el('tr');
      const th = el('th', 'reached: ' + v.name, 'row');
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

  function words(vd) {
    if (!vd) return ['(reference)', '—'];
    const effect = vd.effect === 'gain' ? 'a real gain' : vd.effect === 'loss' ? 'a real loss'
      : 'unclear: within the simulation\'s precision';
    const pays = vd.pays_back === true ? 'pays back' : vd.pays_back === false ? 'does not pay back'
      : 'unclear whether it pays back';
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
    const t = document.getElementById('variants');
    t.replaceChildren();
    row(t, ['variant', 'buyers', 'repeat buyers', 'uplift, points [95% CI] (' + metric.replace('_', ' ') + ')',
      'verdict', 'pays back?'], true);
    r.variants.forEach((v) => {
      const u = v.uplift && v.uplift[metric];
      const vd = v.uplift ? verdict(v, metric) : null;
      const [effect, pays] = words(vd);
      const tr = row(t, [v.name, pct(v.buyer_rate), pct(v.repeat_rate),
        u ? points(u.diff) + ' [' + points(u.ci95[0]) + '; ' + points(u.ci95[1]) + ']' : '(reference)',
        { text: effect, cls: vd ? 'l ' + vd.effect : 'l', key: 'verdict' },
        { text: pays, cls: 'l', key: 'pays_back' }]);
      tr.dataset.variant = v.name;
    });
    const m = document.getElementById('money');
    m.replaceChildren();
    row(m, ['variant', 'revenue', 'cost', 'profit', 'vs baseline'], true);
    r.variants.forEach((v) => {
      const tr = row(m, [v.name, grouped(v.revenue), grouped(v.cost),
        { text: grouped(v.profit), key: 'profit' },
        v.incremental_profit !== undefined ? (v.incremental_profit >= 0 ? '+' : '') + grouped(v.incremental_profit) : '']);
      tr.dataset.variant = v.name;
    });
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
      document.title = r.scenario + ': live journey';
      document.getElementById('title').textContent = r.scenario;
      document.getElementById('facts').textContent = grouped(r.customers) + ' customers over ' +
        r.days + ' days, seed ' + r.seed + (st.file ? ', ' + st.file : '') + '.';
      updateSliders(r.param_list || [], st.sliders || {});
      renderMap(r);
      renderVariants(r);
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

  poll();
})();

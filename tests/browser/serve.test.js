// `cjmsim serve` in a real browser: Chromium, driven through its DevTools
// protocol with puppeteer-core, loads the page, moves a slider, sees the
// scenario file saved with changes and with an error, and draws the uplift
// and daily charts; a second server started with --lang ru shows the page in
// Russian; plain HTTP requests check the token, bad requests and a slow
// client; SIGINT stops the server.
// Prints TAP. Usage: node serve.test.js CJMSIM WORKDIR [CHROMIUM]
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [cjmsim, work, chromium = '/usr/bin/chromium'] = process.argv.slice(2);
let n = 0;
let failed = 0;
function ok(cond, what, diag) {
  n += 1;
  console.log((cond ? 'ok ' : 'not ok ') + n + ' - ' + what);
  if (!cond) {
    failed += 1;
    if (diag !== undefined) console.log('#   ' + String(diag).split('\n').join('\n#   '));
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// waitForFunction checks on every animation frame by default, and a tab in
// the background draws no frames: a condition not yet true at the first
// check would never be checked again there. Every wait checks on a timer.
const WAIT = { polling: 100, timeout: 20000 };

const SCENARIO = path.join(work, 'live.lua');
const base = (visitBuy, extraTouchpoint) => `-- a shop for the live page
scenario { name = "Live <b>shop</b>", customers = 20000, days = 4, seed = 7 }
local p_visit = param "p_visit" { 0.2, low = 0.05, high = 0.6 }
local fee = param "fee" { 0.5 }
persona "student" { share = 0.5, mood = 0 }
persona "parent"  { share = 0.5, mood = 1 }
stage "ad"    { entry = true, touchpoints = { "flyer", "<img src=x onerror=alert(1)>"${extraTouchpoint ? ', "' + extraTouchpoint + '"' : ''} }, emotion = 1 }
stage "visit" { touchpoints = { "shop window" } }
stage "buy"   { purchase = true, value = 25, emotion = -1 }
stage "home"  { emotion = 1 }
stage "gone"  { terminal = true }
transition("ad", "visit", p_visit)
transition("visit", "buy", ${visitBuy})
transition("visit", "gone", 0.05)
transition("buy", "home", 1)
transition("home", "buy", 0.04)
transition("home", "gone", 0.05)
intervention "coupon" { at = "buy", mood = 1, scale = { ["home->buy"] = 3 }, cost_per_customer = fee }
`;

// Saves the file as an editor would: a new file renamed over the old one.
function save(text) {
  const tmp = SCENARIO + '.swp';
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, SCENARIO);
}

function startServer(lang) {
  return new Promise((resolve, reject) => {
    const child = spawn(cjmsim, (lang ? ['--lang', lang] : []).concat(['serve', SCENARIO, '--customers', '20000']), {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/);
      if (m) resolve({ child, url: m[0], port: Number(m[1]), token: m[2], stderr: () => err });
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => reject(new Error('serve exited with ' + code + ': ' + err)));
    setTimeout(() => reject(new Error('no address printed: ' + out + err)), 20000);
  });
}

async function get(port, pathAndQuery) {
  const r = await fetch('http://127.0.0.1:' + port + pathAndQuery, { cache: 'no-store' });
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { body = null; }
  return { status: r.status, body, text, headers: r.headers };
}

async function main() {
  save(base('0.25'));
  const srv = await startServer();
  ok(/^[0-9a-f]{32}$/.test(srv.token), 'the address carries a 128-bit hex token', srv.url);
  const { port, token } = srv;

  // The token.
  let r = await get(port, '/');
  ok(r.status === 403, 'the page without the token: 403', r.status);
  r = await get(port, '/api/state');
  ok(r.status === 403 && r.body && /token/.test(r.body.error), 'the API without the token: 403 with a JSON error', r.text);
  r = await get(port, '/api/state?token=' + token.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
  ok(r.status === 403, 'a wrong token: 403', r.status);
  r = await get(port, '/?token=' + token);
  ok(r.status === 200 && /<html/.test(r.text), 'the page with the token: 200', r.status);
  ok(/SameSite=Strict/.test(r.headers.get('set-cookie') || ''), 'the first good request sets the token cookie', r.headers.get('set-cookie'));
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  const rc = await fetch('http://127.0.0.1:' + port + '/api/state', { headers: { Cookie: cookie } });
  ok(rc.status === 200, 'the cookie alone is accepted', rc.status);

  // Bad requests: a JSON error, and the server carries on.
  const bad = [
    ['/api/run?token=' + token + '&set.p_visit=abc', 400, /not a finite number/],
    ['/api/run?token=' + token + '&set.p_visit=nan', 400, /not a finite number/],
    ['/api/run?token=' + token + '&set.p_visit=1e999', 400, /not a finite number/],
    ['/api/run?token=' + token + '&set.nope=1', 400, /unknown parameter 'nope'/],
    ['/api/run?token=' + token + '&x=1', 400, /unknown argument/],
    ['/api/run?token=' + token + '&set.=1', 400, /unknown parameter/],
    ['/api/state?token=' + token + '&since=x', 400, /since/],
    ['/api/nothing?token=' + token, 404, /no such page/],
  ];
  for (const [p, status, re] of bad) {
    r = await get(port, p);
    ok(r.status === status && r.body && re.test(r.body.error), 'bad request ' + p.replace(token, 'TOKEN') + ': ' + status + ' with a JSON error', r.status + ' ' + r.text);
  }
  r = await get(port, '/api/run?token=' + token + '&set.p_visit=' + '1'.repeat(100000));
  ok(r.status >= 400 && r.status < 500, 'a huge URL is refused with a 4xx', r.status);
  const post = await fetch('http://127.0.0.1:' + port + '/api/run?token=' + token, { method: 'POST', body: 'x' });
  ok(post.status === 405, 'POST: 405', post.status);

  // A slow client holding a half-sent request does not block others.
  const slow = net.connect(port, '127.0.0.1');
  await new Promise((res) => slow.on('connect', res));
  slow.write('GET /api/state?token=' + token + ' HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  r = await get(port, '/api/state?token=' + token);
  ok(r.status === 200 && r.body.ok === true, 'answers while a slow client holds a request', r.status);

  // The page in Chromium.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cjmsim-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss(); });
    await page.goto(srv.url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('td[data-variant="baseline"][data-stage="visit"]'), WAIT);
    const cell = (variant, stage) => page.$eval(`td[data-variant="${variant}"][data-stage="${stage}"]`, (e) => Number(e.dataset.value));
    const visit0 = await cell('baseline', 'visit');
    const api0 = (await get(port, '/api/state?token=' + token)).body.results.variants[0].reached.visit;
    ok(visit0 === api0 && visit0 > 0, 'the map shows the simulated funnel (visit)', visit0 + ' vs ' + api0);
    ok((await page.$eval('#title', (e) => e.textContent)) === 'Live <b>shop</b>', 'the scenario name is shown as text, not markup');
    const chips = await page.$$eval('.chip', (es) => es.map((e) => e.textContent));
    ok(chips.includes('<img src=x onerror=alert(1)>') && (await page.$$('img')).length === 0, 'touchpoints are text: no markup from the scenario');
    ok(await page.$('svg polyline[data-variant="baseline"]') !== null, 'the emotion curve is drawn');
    ok(/gain|loss|unclear/.test(await page.$eval('tr[data-variant="coupon"] td[data-key="verdict"]', (e) => e.textContent)), 'the coupon has a verdict');
    ok(await page.$('input[type=range][data-param="p_visit"]') !== null, 'a slider for p_visit (low, high)');
    ok(await page.$('input[type=range][data-param="fee"]') === null && (await page.$eval('#sliders', (e) => e.textContent)).includes('fee'), 'fee (no range) is shown but not a slider');

    // The charts: one series per variant, drawn from the API's numbers.
    const state0 = (await get(port, '/api/state?token=' + token)).body.results;
    const names = state0.variants.map((v) => v.name);
    const seriesOf = (sel) => page.$$eval(sel + ' svg g.series', (gs) => gs.map((g) => g.dataset.variant));
    ok(state0.headline === 'repeat_buyers', 'the headline metric is repeat buyers (the journey can buy twice)', state0.headline);
    ok(JSON.stringify(await seriesOf('#uplift-chart')) === JSON.stringify(names.slice(1)),
      'the uplift chart has one series per variant other than the baseline', JSON.stringify(await seriesOf('#uplift-chart')));
    const upl = state0.variants[1].uplift.repeat_buyers;
    const shownDiff = await page.$eval('#uplift-chart g.series[data-variant="coupon"]', (g) => Number(g.dataset.diff));
    ok(Math.abs(shownDiff - 100 * upl.diff) < 1e-9 && upl.diff > 0 && upl.ci95[0] > 0,
      'the uplift chart shows the coupon\'s uplift of repeat buyers (a gain here)', shownDiff + ' vs ' + JSON.stringify(upl));
    ok(await page.$$eval('#uplift-chart g.series[data-variant="coupon"] line.errbar', (ls) => ls.length) === 1,
      'the uplift has its 95% interval as an error bar');
    for (const sel of ['#daily-buyers', '#daily-repeat']) {
      ok(JSON.stringify(await seriesOf(sel)) === JSON.stringify(names), sel + ': one series per variant', JSON.stringify(await seriesOf(sel)));
      ok(await page.$$eval(sel + ' svg g.series path', (ps) => ps.every((p) => /^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){4}$/.test(p.getAttribute('d')))),
        sel + ': each series is a path over days 0 to 4', await page.$$eval(sel + ' svg g.series path', (ps) => ps.map((p) => p.getAttribute('d')).join(' | ')));
    }
    ok(JSON.stringify(state0.daily.days) === '[0,1,2,3,4]', 'the API sends the days of the curves', JSON.stringify(state0.daily.days));
    ok(state0.daily.variants.every((d, i) => d.name === names[i] && d.buyers[4] === state0.variants[i].buyers &&
      d.repeat_buyers[4] === state0.variants[i].repeat_buyers && d.buyers[1] === 0 && d.buyers[2] > 0 && d.buyers[3] >= d.buyers[2]),
    'the daily curves are cumulative and end at each variant\'s buyers and repeat buyers', JSON.stringify(state0.daily));
    ok(JSON.stringify(await page.$$eval('#daily-legend .item', (is) => is.map((i) => i.dataset.variant))) === JSON.stringify(names),
      'the curves have a legend of the variants');
    const chartMarks = () => page.evaluate(() => ({
      path: document.querySelector('#daily-buyers g.series[data-variant="baseline"] path').getAttribute('d'),
      bar: document.querySelector('#uplift-chart g.series[data-variant="coupon"] line.errbar').getAttribute('x2'),
      point: document.querySelector('#uplift-chart g.series[data-variant="coupon"] circle').getAttribute('cx'),
    }));
    const marks0 = await chartMarks();

    // Move the slider: the numbers change.
    const version0 = Number(await page.$eval('body', (e) => e.dataset.version));
    await page.$eval('input[data-param="p_visit"]', (e) => { e.value = e.max; e.dispatchEvent(new Event('input')); });
    await page.waitForFunction((v) => Number(document.body.dataset.version) > v && document.body.dataset.lastUpdateMs, WAIT, version0);
    const visit1 = await cell('baseline', 'visit');
    const ms = Number(await page.$eval('body', (e) => e.dataset.lastUpdateMs));
    ok(visit1 > visit0 * 1.5, 'moving p_visit to its high end raises visits', visit0 + ' -> ' + visit1);
    console.log('# slider to page updated: ' + ms.toFixed(1) + ' ms at 20,000 customers');
    ok(ms < 3000, 'the page updates within 3 s of a slider move', ms);
    const marks1 = await chartMarks();
    ok(marks1.path !== marks0.path, 'the buyers-by-day curve follows the slider', marks0.path + ' -> ' + marks1.path);
    ok(marks1.bar !== marks0.bar && marks1.point !== marks0.point, 'the uplift and its error bar follow the slider',
      JSON.stringify(marks0) + ' -> ' + JSON.stringify(marks1));
    const api1 = (await get(port, '/api/state?token=' + token)).body;
    ok(api1.results.params.p_visit === 0.6, 'the server ran with the slider value', JSON.stringify(api1.results.params));

    // Several tabs at once.
    const tabs = await Promise.all([1, 2, 3, 4, 5].map(() => browser.newPage()));
    await Promise.all(tabs.map((t) => t.goto(srv.url, { waitUntil: 'load' })));
    const counts = await Promise.all(tabs.map((t) => t.waitForFunction(() => document.querySelector('td[data-variant="baseline"][data-stage="visit"]'), WAIT)
      .then(() => t.$eval('td[data-variant="baseline"][data-stage="visit"]', (e) => Number(e.dataset.value)))));
    ok(counts.every((c) => c === visit1), 'five more tabs show the same numbers', counts.join(','));
    await Promise.all(tabs.map((t) => t.close()));

    // Save the file with changes: the map and the numbers follow.
    const version1 = Number(await page.$eval('body', (e) => e.dataset.version));
    const buyBefore = await cell('baseline', 'buy');
    const saved = Date.now();
    save(base('0.6', 'billboard'));
    await page.waitForFunction((v) => Number(document.body.dataset.version) > v, WAIT, version1);
    console.log('# file saved to page updated: ' + (Date.now() - saved) + ' ms');
    const buyAfter = await cell('baseline', 'buy');
    ok(buyAfter > buyBefore * 1.3, 'a saved probability change shows in the numbers', buyBefore + ' -> ' + buyAfter);
    ok((await page.$$eval('.chip', (es) => es.map((e) => e.textContent))).includes('billboard'), 'a saved touchpoint shows on the map');
    ok(await page.$eval('input[data-param="p_visit"]', (e) => Number(e.value)) === 0.6, 'the slider keeps its value across a save');

    // Save an error: file:line on the page, the last good numbers kept.
    const version2 = Number(await page.$eval('body', (e) => e.dataset.version));
    save(base('0.6', 'billboard') + 'transition("visit", "nowhere", 0.1)\n');
    await page.waitForFunction((v) => Number(document.body.dataset.version) > v, WAIT, version2);
    const errText = await page.$eval('#error-text', (e) => e.textContent);
    const errShown = await page.$eval('#error', (e) => !e.hidden);
    ok(errShown && /live\.lua:19:/.test(errText), 'a scenario error shows with file:line', errText);
    ok(await cell('baseline', 'buy') === buyAfter, 'the last good numbers stay');
    r = await get(port, '/api/state?token=' + token);
    ok(r.body.ok === false && /live\.lua:19:/.test(r.body.error) && r.body.results.variants[0].reached.buy === buyAfter, 'the API keeps the last good results with the error');

    // Fixed again: the error goes.
    const version3 = Number(await page.$eval('body', (e) => e.dataset.version));
    save(base('0.25'));
    await page.waitForFunction((v) => Number(document.body.dataset.version) > v, WAIT, version3);
    ok(await page.$eval('#error', (e) => e.hidden), 'a fixed file clears the error');
    ok(problems.length === 0, 'no script error or dialog on the page', problems.join('\n'));

    // The page in Russian: a second server with --lang ru.
    const english = (await get(port, '/api/strings?token=' + token)).body;
    ok(english && english.lang === 'en' && english.strings.h_map === 'Journey map', 'the English dictionary', JSON.stringify(english).slice(0, 200));
    const ru = await startServer('ru');
    try {
      const russian = (await get(ru.port, '/api/strings?token=' + ru.token)).body;
      ok(russian.lang === 'ru' && russian.locale === 'ru-RU', 'the Russian dictionary says its language and locale', JSON.stringify(russian).slice(0, 200));
      const same = Object.keys(english.strings).filter((k) => russian.strings[k] === english.strings[k]);
      ok(same.length === 0 && Object.keys(russian.strings).length === Object.keys(english.strings).length,
        'every text of the page is translated', same.join(', '));
      r = await get(ru.port, '/api/run?token=' + ru.token + '&set.nope=1');
      ok(r.status === 400 && /nope/.test(r.body.error) && /[а-я]/.test(r.body.error) && !/unknown parameter/.test(r.body.error),
        'the API\'s errors are in Russian', r.text);
      r = await get(ru.port, '/api/state');
      ok(r.status === 403 && /[а-я]/.test(r.body.error), 'the refusal without the token is in Russian', r.text);
      // Until the dictionary arrives the page shows nothing: no English before the Russian.
      const held = await browser.newPage();
      await held.setRequestInterception(true);
      let release;
      const gate = new Promise((resolve) => { release = resolve; });
      held.on('request', (req) => {
        if (req.url().includes('/api/strings')) gate.then(() => req.continue());
        else req.continue();
      });
      await held.goto(ru.url, { waitUntil: 'load' });
      const before = await held.$eval('body', (b) => getComputedStyle(b).visibility);
      ok(before === 'hidden', 'while the dictionary is on its way the page is hidden', before);
      release();
      await held.waitForFunction(() => getComputedStyle(document.body).visibility === 'visible', WAIT);
      const shown = await held.$eval('h1', (e) => e.textContent);
      ok(!/Loading/.test(shown), 'once shown, the page speaks Russian', shown);
      await held.close();
      const rp = await browser.newPage();
      rp.on('pageerror', (e) => problems.push(String(e)));
      await rp.goto(ru.url, { waitUntil: 'load' });
      await rp.waitForFunction(() => document.querySelector('#daily-buyers svg') && document.querySelector('td[data-variant="baseline"][data-stage="ad"]'), WAIT);
      ok(await rp.$eval('html', (e) => e.lang) === 'ru', '<html lang="ru">');
      const heads = await rp.$$eval('h2', (hs) => hs.map((h) => h.textContent.trim()));
      ok(heads.join('|') === 'Параметры|Карта пути клиента|Варианты|Прирост к базовому варианту|Покупатели и повторные покупатели по дням|Деньги',
        'the headings are in Russian', heads.join('|'));
      // Every element's own text, the SVG's included: none is an English text of the dictionary.
      const texts = await rp.evaluate(() => {
        const out = [];
        document.querySelectorAll('body *, title').forEach((e) => {
          const own = Array.from(e.childNodes).filter((c) => c.nodeType === 3).map((c) => c.textContent).join('').trim();
          if (own) out.push(own);
        });
        return out;
      });
      const englishTexts = Object.values(english.strings).filter((s) => !/[{}]/.test(s));
      const left = texts.filter((s) => englishTexts.includes(s) || /Loading|updated in|customers over|live journey|points of customers|reached: /.test(s));
      ok(left.length === 0, 'no English text of the page is left', left.join(' | '));
      ok(texts.includes('день') && texts.includes('покупатели, нарастающим итогом') && texts.includes('повторные покупатели, нарастающим итогом'),
        'the charts\' legends and axes are in Russian');
      const verdictRu = await rp.$eval('tr[data-variant="coupon"] td[data-key="verdict"]', (e) => e.textContent);
      ok(verdictRu === russian.strings.effect_gain && /прогноз/.test(verdictRu), 'the verdict is said in the console\'s Russian words', verdictRu);
      const ad = await rp.$eval('td[data-variant="baseline"][data-stage="ad"] .num', (e) => e.textContent);
      ok(ad === '20\u00a0000', 'counts are grouped the Russian way (no-break space)', JSON.stringify(ad));
      const facts = await rp.$eval('#facts', (e) => e.textContent);
      ok(facts.startsWith('клиентов: 20\u00a0000'), 'the facts line is Russian with Russian grouping', facts);
      const rate = await rp.$eval('tr[data-variant="baseline"] td:nth-child(2)', (e) => e.textContent);
      ok(/^\d+,\d\d%$/.test(rate), 'shares have a decimal comma', rate);
      await rp.$eval('input[data-param="p_visit"]', (e) => { e.value = e.min; e.dispatchEvent(new Event('input')); });
      await rp.waitForFunction(() => document.body.dataset.lastUpdateMs, WAIT);
      const status = await rp.$eval('#status', (e) => e.textContent);
      ok(/^обновлено за \d+ мс$/.test(status), 'the status line is in Russian', status);
      await rp.close();
    } finally {
      ru.child.removeAllListeners('exit');
      ru.child.kill('SIGINT');
    }
    ok(problems.length === 0, 'no script error on the Russian page', problems.join('\n'));
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  slow.destroy();

  // Ctrl-C: a clean exit.
  const exited = new Promise((res) => srv.child.removeAllListeners('exit').on('exit', (code, sig) => res([code, sig])));
  srv.child.kill('SIGINT');
  const [code, sig] = await Promise.race([exited, sleep(10000).then(() => ['timeout', null])]);
  ok(code === 0, 'SIGINT stops the server with exit 0', code + ' ' + sig + ' ' + srv.stderr());
  let refused = false;
  try { await get(port, '/api/state?token=' + token); } catch (e) { refused = true; }
  ok(refused, 'nothing listens after it stopped');
}

main()
  .catch((e) => ok(false, 'the browser test ran to the end', e.stack || e))
  .finally(() => {
    console.log('1..' + n);
    process.exit(failed ? 1 : 0);
  });

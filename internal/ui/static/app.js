// iblfake's dashboard. The page is a shell: this script routes on the URL's
// fragment (#/tenants/acme/assertions), fetches each page from the fake as
// an HTML fragment rendered by the server, and steers the fake through its
// admin API. Every call sends the admin token kept for this tab
// (sessionStorage) as Authorization: Bearer; nothing goes in a URL or a
// cookie. No library, no build step.
(() => {
  'use strict';

  const TOKEN_KEY = 'iblfake.adminToken';
  const FRAGMENTS = '/_fake/ui/f';
  const MAX_LOG_ROWS = 500;
  const view = document.getElementById('view');
  const flash = document.getElementById('flash');

  let renderSeq = 0; // the latest render; older answers are dropped
  let live = null; // the live log's stream while its page is shown
  let flashTimer = 0;

  // --- the admin token and calls

  const token = () => sessionStorage.getItem(TOKEN_KEY) || '';

  let tokenWaiters = null;

  // askToken opens the token dialog and resolves once a token is given.
  function askToken(message) {
    const dlg = document.getElementById('token-dialog');
    const err = document.getElementById('token-error');
    if (view.querySelector('.loading')) view.querySelector('.loading').textContent = 'This fake asks for its admin token.';
    err.textContent = message || '';
    err.hidden = !message;
    if (!dlg.open) dlg.showModal();
    document.getElementById('token-input').focus();
    if (!tokenWaiters) tokenWaiters = [];
    return new Promise((resolve) => tokenWaiters.push(resolve));
  }

  document.getElementById('token-dialog').addEventListener('cancel', (e) => e.preventDefault());
  document.getElementById('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = document.getElementById('token-input');
    const v = input.value.trim();
    if (!v) return;
    sessionStorage.setItem(TOKEN_KEY, v);
    input.value = '';
    document.getElementById('token-dialog').close();
    showForget();
    const waiting = tokenWaiters || [];
    tokenWaiters = null;
    waiting.forEach((resolve) => resolve());
  });

  function showForget() {
    document.getElementById('forget').hidden = !token();
  }

  // call sends one request to the fake with the token; a 401 asks for the
  // token and sends it again.
  async function call(method, url, opts = {}) {
    for (;;) {
      const headers = {};
      if (token()) headers.Authorization = 'Bearer ' + token();
      if (opts.body !== undefined) headers['Content-Type'] = opts.type || 'application/json';
      const res = await fetch(url, {
        method, headers, body: opts.body, signal: opts.signal, cache: 'no-store', credentials: 'omit',
      });
      if (res.status !== 401) return res;
      const why = await message(res);
      await askToken(token() ? why : '');
    }
  }

  // message is what an error answer says: DRF's detail, or its field
  // errors on one line.
  async function message(res) {
    const text = await res.text();
    try {
      return flatten(JSON.parse(text)) || res.status + ' ' + res.statusText;
    } catch (_) {
      return text.trim().slice(0, 500) || res.status + ' ' + res.statusText;
    }
  }

  function flatten(v) {
    if (v == null) return '';
    if (typeof v !== 'object') return String(v);
    if (Array.isArray(v)) return v.map(flatten).join(' ');
    if (typeof v.detail === 'string' && Object.keys(v).length === 1) return v.detail;
    return Object.keys(v).map((k) => k + ': ' + flatten(v[k])).join('; ');
  }

  function notify(text, kind) {
    clearTimeout(flashTimer);
    flash.textContent = text;
    flash.className = kind === 'error' ? 'error' : 'ok';
    flash.hidden = false;
    if (kind !== 'error') flashTimer = setTimeout(() => { flash.hidden = true; }, 4000);
  }
  flash.addEventListener('click', () => { flash.hidden = true; });

  // --- routing

  // route maps the URL's fragment to a fragment URL of the fake: only
  // paths of plain characters with no dot segments, so a crafted link
  // cannot point the dashboard at another admin route.
  function route() {
    let h = location.hash.replace(/^#/, '');
    if (h === '' || h === '/') h = '/overview';
    const q = h.indexOf('?');
    const path = q < 0 ? h : h.slice(0, q);
    const query = q < 0 ? '' : h.slice(q);
    if (!/^\/[A-Za-z0-9_.~%\-\/@+]*$/.test(path)) return null;
    for (const seg of path.split('/')) {
      let s;
      try { s = decodeURIComponent(seg); } catch (_) { return null; }
      if (s === '.' || s === '..') return null;
    }
    const section = path.split('/')[1];
    return { url: FRAGMENTS + path + query, section };
  }

  function markNav(section) {
    document.querySelectorAll('.nav a').forEach((a) => {
      const on = (a.dataset.navFor || '').split(' ').includes(section);
      a.classList.toggle('on', on);
      if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
  }

  // render fetches the page the fragment names and shows it.
  async function render() {
    const mine = ++renderSeq;
    stopLive();
    const r = route();
    if (!r) {
      view.innerHTML = '<section class="page"><div class="empty error"><p><b>No such page.</b></p><p><a href="#/">Back to the overview</a></p></div></section>';
      return;
    }
    markNav(r.section === 'tenants' ? 'overview' : r.section);
    let res, html;
    try {
      res = await call('GET', r.url);
      html = await res.text();
    } catch (err) {
      if (mine === renderSeq) showFailure('The fake did not answer: ' + err.message);
      return;
    }
    if (mine !== renderSeq) return;
    if (res.headers.get('X-Iblfake-Fragment') !== '1') {
      showFailure('Unexpected answer from the fake: ' + res.status + ' ' + res.statusText);
      return;
    }
    view.innerHTML = html;
    const page = view.querySelector('.page');
    document.title = (page && page.dataset.title ? page.dataset.title + ' · ' : '') + 'iblfake';
    if (document.getElementById('live')) startLive();
  }

  function showFailure(text) {
    view.innerHTML = '<section class="page"><div class="empty error"><p><b></b></p><p><a href="#/">Back to the overview</a></p></div></section>';
    view.querySelector('b').textContent = text;
  }

  // --- actions

  // act sends an admin call and, when it succeeds, shows the page again.
  async function act(method, url, opts, done, errorBox) {
    if (errorBox) errorBox.hidden = true;
    let res;
    try {
      res = await call(method, url, opts);
    } catch (err) {
      notify('The fake did not answer: ' + err.message, 'error');
      return null;
    }
    if (!res.ok) {
      const why = await message(res);
      if (errorBox) {
        errorBox.textContent = why;
        errorBox.hidden = false;
        flash.hidden = true;
      } else {
        notify(why, 'error');
      }
      return null;
    }
    let out = {};
    try { out = JSON.parse(await res.text()); } catch (_) { /* no body */ }
    notify(done || (out && out.now ? 'The clock is now ' + out.now + (out.frozen ? ', frozen.' : '.') : 'Done.'), 'ok');
    await render();
    return out;
  }

  function splitCall(spec) {
    const i = spec.indexOf(' ');
    return [spec.slice(0, i), spec.slice(i + 1)];
  }

  async function submitCall(form) {
    const [method, url] = splitCall(form.dataset.call);
    const body = {};
    for (const el of form.elements) {
      if (!el.name || el.value === '') continue;
      body[el.name] = el.name === form.dataset.time ? new Date(el.value).toISOString() : el.value.trim();
    }
    await act(method, url, { body: JSON.stringify(body) }, form.dataset.done, form.querySelector('.form-error'));
  }

  async function upload(form) {
    const input = form.querySelector('input[type=file]');
    const box = form.querySelector('.form-error');
    const file = input.files && input.files[0];
    if (!file) return;
    const activate = form.querySelector('input[name=activate]');
    const url = form.dataset.upload + '?file=' + encodeURIComponent(file.name) +
      (activate && activate.checked ? '&activate=true' : '');
    const body = await file.text();
    const out = await act('POST', url, { body, type: 'application/yaml' }, 'Added ' + file.name + '.', box);
    if (out && out.added) notify('Added scenario ' + out.added + (activate && activate.checked ? ', on.' : '.'), 'ok');
  }

  async function importFile(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    const tenant = input.dataset.import;
    const url = '/_fake/state' + (tenant ? '?tenant=' + encodeURIComponent(tenant) : '');
    const body = await file.text();
    input.value = '';
    const type = /\.ya?ml$/i.test(file.name) ? 'application/yaml' : 'application/json';
    const out = await act('PUT', url, { body, type }, 'Imported ' + file.name + '.');
    if (out && out.keys !== undefined) notify('Imported ' + file.name + ': ' + out.keys + ' entries.', 'ok');
  }

  async function exportState(tenant) {
    const url = '/_fake/state' + (tenant ? '?tenant=' + encodeURIComponent(tenant) : '');
    const res = await call('GET', url);
    if (!res.ok) {
      notify(await message(res), 'error');
      return;
    }
    const blob = await res.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = (tenant ? tenant.replace(/[^A-Za-z0-9._-]+/g, '_') : 'iblfake') + '-state.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    notify('Exported ' + a.download + '.', 'ok');
  }

  function resetTenant(tenant) {
    return act('POST', '/_fake/reset?tenant=' + encodeURIComponent(tenant), {}, tenant + ' is back to its start-up state.');
  }

  async function freezeNow() {
    const res = await call('GET', '/_fake/clock');
    if (!res.ok) {
      notify(await message(res), 'error');
      return;
    }
    const clock = await res.json();
    await act('POST', '/_fake/clock', { body: JSON.stringify({ now: clock.now }) }, 'Clock frozen at ' + clock.now + '.');
  }

  async function copy(selector) {
    const el = view.querySelector(selector);
    if (!el) return;
    try {
      await navigator.clipboard.writeText(el.textContent);
      notify('Copied.', 'ok');
    } catch (_) {
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      notify('Selected: copy it with the keyboard.', 'ok');
    }
  }

  document.addEventListener('submit', (e) => {
    const form = e.target;
    if (form.id === 'token-form') return;
    e.preventDefault();
    if (form.dataset.nav !== undefined) {
      const q = new URLSearchParams();
      for (const el of form.elements) if (el.name && el.value.trim() !== '') q.set(el.name, el.value.trim());
      const s = q.toString();
      location.hash = form.dataset.nav.replace(/^#/, '') + (s ? '?' + s : '');
    } else if (form.dataset.upload) {
      upload(form);
    } else if (form.dataset.call) {
      submitCall(form);
    }
  });

  document.addEventListener('change', (e) => {
    if (e.target.matches('input[type=file][data-import]')) importFile(e.target);
    if (e.target.closest('#live .toolbar')) filterLog();
  });
  document.addEventListener('input', (e) => {
    if (e.target.closest('#live .toolbar')) filterLog();
  });

  document.addEventListener('click', (e) => {
    const el = e.target.closest('button, tr.req');
    if (!el) return;
    if (el.id === 'refresh') return void render();
    if (el.id === 'forget') {
      sessionStorage.removeItem(TOKEN_KEY);
      showForget();
      return void render();
    }
    if (el.id === 'pause') return void togglePause();
    if (el.matches('tr.req')) return void openRequest(el);
    if (el.dataset.confirm && !confirm(el.dataset.confirm)) return;
    if (el.dataset.call !== undefined && el.type === 'button') {
      const [method, url] = splitCall(el.dataset.call);
      const opts = el.dataset.body ? { body: el.dataset.body } : {};
      act(method, url, opts, el.dataset.done);
    } else if (el.dataset.export !== undefined) {
      exportState(el.dataset.export);
    } else if (el.dataset.resetTenant) {
      resetTenant(el.dataset.resetTenant);
    } else if (el.dataset.freeze !== undefined) {
      freezeNow();
    } else if (el.dataset.copy) {
      copy(el.dataset.copy);
    } else if (el.dataset.close !== undefined) {
      closeRequest();
    }
  });

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.matches && e.target.matches('tr.req')) openRequest(e.target);
    if (e.key === 'Escape') closeRequest();
  });

  // --- the live log

  let paused = false;
  let pending = [];

  function stopLive() {
    if (live) live.abort();
    live = null;
    paused = false;
    pending = [];
  }

  function setLive(state, text) {
    const el = document.getElementById('live-state');
    if (!el) return;
    el.dataset.state = state;
    el.textContent = text;
  }

  // startLive follows the server's stream of requests (text/event-stream,
  // read with fetch since EventSource cannot send the token), reconnecting
  // from the last request seen.
  function startLive() {
    const ctrl = new AbortController();
    live = ctrl;
    let last = document.getElementById('live').dataset.last || '0';
    let wait = 1000;
    (async () => {
      while (!ctrl.signal.aborted) {
        try {
          const res = await call('GET', '/_fake/ui/events?after=' + encodeURIComponent(last), { signal: ctrl.signal });
          if (!res.ok || !res.body) throw new Error(res.status + ' ' + res.statusText);
          setLive('live', 'live');
          wait = 1000;
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            let i;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const ev = parseEvent(buf.slice(0, i));
              buf = buf.slice(i + 2);
              if (ev.id) last = ev.id;
              handleEvent(ev);
            }
          }
        } catch (_) {
          if (ctrl.signal.aborted) return;
        }
        if (ctrl.signal.aborted) return;
        setLive('down', 'reconnecting…');
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 15000);
      }
    })();
  }

  function parseEvent(block) {
    const ev = { event: 'message', data: [], id: '' };
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      let value = i < 0 ? '' : line.slice(i + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') ev.event = value;
      else if (field === 'data') ev.data.push(value);
      else if (field === 'id') ev.id = value;
    }
    ev.data = ev.data.join('\n');
    return ev;
  }

  function handleEvent(ev) {
    if (ev.event === 'rows') {
      if (paused) {
        pending.push(ev.data);
        updatePause();
      } else {
        insertRows(ev.data);
      }
    } else if (ev.event === 'lost') {
      const note = document.getElementById('live-note');
      if (note) note.textContent = ev.data + ' requests arrived faster than this page could show them and are not listed; the journal (GET /_fake/requests) has them.';
    }
  }

  function insertRows(html) {
    const body = document.getElementById('log-rows');
    if (!body) return;
    const before = body.rows.length;
    body.insertAdjacentHTML('afterbegin', html);
    const added = body.rows.length - before;
    for (let i = 0; i < added; i++) {
      body.rows[i].classList.add('fresh');
      applyFilter(body.rows[i], filters());
    }
    while (body.rows.length > MAX_LOG_ROWS) body.deleteRow(body.rows.length - 1);
    document.getElementById('log-empty').hidden = body.rows.length > 0;
    countHidden();
  }

  function filters() {
    const v = (id) => (document.getElementById(id) || { value: '' }).value.trim().toLowerCase();
    return { status: v('f-status'), op: v('f-op'), tenant: v('f-tenant') };
  }

  function applyFilter(row, f) {
    const st = row.dataset.status || '';
    let show = true;
    if (f.status === '45') show = st[0] === '4' || st[0] === '5';
    else if (f.status) show = st[0] === f.status;
    if (show && f.op) show = (row.dataset.op || '').toLowerCase().includes(f.op);
    if (show && f.tenant) show = (row.dataset.tenant || '').toLowerCase().includes(f.tenant);
    row.hidden = !show;
  }

  function filterLog() {
    const body = document.getElementById('log-rows');
    if (!body) return;
    const f = filters();
    for (const row of body.rows) applyFilter(row, f);
    countHidden();
  }

  function countHidden() {
    const body = document.getElementById('log-rows');
    const note = document.getElementById('log-hidden');
    if (!body || !note) return;
    let n = 0;
    for (const row of body.rows) if (row.hidden) n++;
    note.hidden = n === 0;
    note.textContent = n + (n === 1 ? ' request is' : ' requests are') + ' hidden by the filters.';
  }

  function togglePause() {
    paused = !paused;
    if (!paused) {
      const rows = pending;
      pending = [];
      rows.forEach(insertRows);
    }
    updatePause();
  }

  function updatePause() {
    const b = document.getElementById('pause');
    if (!b) return;
    b.setAttribute('aria-pressed', String(paused));
    b.classList.toggle('primary', paused);
    b.textContent = paused ? 'Resume' + (pending.length ? ' (' + pending.length + ' new)' : '') : 'Pause';
    if (paused) setLive('paused', 'paused');
    else if (live) setLive('live', 'live');
  }

  async function openRequest(row) {
    const panel = document.getElementById('req-detail');
    if (!panel) return;
    document.querySelectorAll('tr.req.selected').forEach((r) => r.classList.remove('selected'));
    row.classList.add('selected');
    const res = await call('GET', FRAGMENTS + '/requests/' + encodeURIComponent(row.dataset.seq));
    const html = await res.text();
    if (res.headers.get('X-Iblfake-Fragment') !== '1') return;
    panel.innerHTML = html;
    panel.classList.add('open');
    panel.scrollTop = 0;
  }

  function closeRequest() {
    const panel = document.getElementById('req-detail');
    if (!panel) return;
    panel.classList.remove('open');
    panel.innerHTML = '';
    document.querySelectorAll('tr.req.selected').forEach((r) => r.classList.remove('selected'));
  }

  // --- start

  window.addEventListener('hashchange', render);
  showForget();
  render();
})();

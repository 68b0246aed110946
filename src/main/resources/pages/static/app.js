// xuanke pages: select/drop/swap in place, live seat counts (SSE), countdowns. No inline script
// anywhere (the CSP forbids it); texts come from the page (#texts), the CSRF token from <meta>.
(() => {
  'use strict';
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.documentElement.lang;
  const texts = document.getElementById('texts').dataset;
  const fmt = (pattern, ...args) => pattern.replace(/\{(\d)\}/g, (_, i) => (args[i] ?? ''));

  async function api(method, url, body) {
    const headers = { 'Accept': 'application/json', 'Accept-Language': lang, 'X-CSRF-Token': csrf };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (notJson) { data = null; }
    }
    return { status: response.status, ok: response.ok, data, retryAfter: Number(response.headers.get('Retry-After') || 0) };
  }

  function errorMessage(result) {
    const error = result.data && result.data.error;
    if (!error) return texts.network;
    const other = error.details && error.details.sectionId;
    if (error.code === 'TIME_CONFLICT' && other) return fmt(texts.conflict, ...describe(other));
    if (error.code === 'COURSE_ALREADY_TAKEN' && other) return fmt(texts.courseTaken, describe(other)[0]);
    if (error.code === 'SECTION_FULL') return texts.full;
    // The page's CSRF token belongs to an earlier session (e.g. a login in another tab).
    if (error.code === 'FORBIDDEN') return texts.expired;
    return error.message;
  }

  /** [title, weekday and time] of a section, from the page's list of every section. */
  function describe(sectionId) {
    const known = document.querySelector(`[data-name-of="${sectionId}"]`) || document.querySelector(`[data-section="${sectionId}"]`);
    return known ? [known.dataset.title, known.dataset.when || ''] : ['#' + sectionId, ''];
  }

  // ---- section cards (catalog and timetable)
  const cards = () => document.querySelectorAll('.card[data-section]');
  const cardOf = id => document.querySelector(`.card[data-section="${id}"]`);

  function refresh(card) {
    if (card.dataset.seats === undefined) return;
    const state = card.dataset.state;
    const seats = Number(card.dataset.seats);
    const swap = card.dataset.swapFrom;
    const show = {
      select: state === 'none' && seats > 0 && !swap,
      swap: state === 'none' && seats > 0 && !!swap,
      waitlist: state === 'none' && seats <= 0,
      drop: state === 'held',
      leave: state === 'waiting'
    };
    card.querySelectorAll('button[data-action]').forEach(b => { b.hidden = !show[b.dataset.action]; });
  }

  function say(card, message, ok) {
    const result = card.querySelector('.result');
    result.textContent = message;
    result.classList.toggle('ok', ok);
    result.classList.toggle('error', !ok);
  }

  function setSeats(id, seats) {
    document.querySelectorAll(`[data-seats-of="${id}"]`).forEach(el => { el.textContent = seats; });
    const card = cardOf(id);
    if (card && card.dataset.seats !== undefined) {
      card.dataset.seats = String(seats);
      refresh(card);
    }
  }

  function setWaiting(id, length) {
    document.querySelectorAll(`[data-waiting-of="${id}"]`).forEach(el => { el.textContent = length; });
  }

  /** After holding `heldId` of a course, the course's other sections offer a swap from it (or nothing). */
  function markCourse(course, heldId) {
    cards().forEach(c => {
      if (c.dataset.course === course && c.dataset.section !== String(heldId)) {
        c.dataset.swapFrom = heldId ? String(heldId) : '';
        refresh(c);
      }
    });
  }

  async function act(card, action) {
    const id = Number(card.dataset.section);
    const buttons = card.querySelectorAll('button');
    buttons.forEach(b => { b.disabled = true; });
    try {
      let r;
      if (action === 'select' || action === 'waitlist') {
        r = await api('POST', '/api/selections', { sectionId: id, waitlist: action === 'waitlist' });
      } else if (action === 'swap') {
        r = await api('POST', '/api/selections/swap', { from: Number(card.dataset.swapFrom), to: id });
      } else {
        r = await api('DELETE', '/api/selections/' + id);
      }
      if (r.status === 401) {
        location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
        return;
      }
      if (!r.ok) {
        say(card, errorMessage(r), false);
        if (r.data && r.data.error && r.data.error.code === 'SECTION_FULL') setSeats(id, 0);
        return;
      }
      if (action === 'select' || action === 'waitlist') {
        if (r.data.status === 'ENROLLED') {
          card.dataset.state = 'held';
          setSeats(id, r.data.seatsLeft);
          markCourse(card.dataset.course, id);
          say(card, texts.enrolled, true);
        } else {
          card.dataset.state = 'waiting';
          say(card, fmt(texts.waitlisted, r.data.position), true);
        }
      } else if (action === 'swap') {
        const from = cardOf(card.dataset.swapFrom);
        if (from) {
          from.dataset.state = 'none';
          say(from, '', true);
        }
        card.dataset.state = 'held';
        card.dataset.swapFrom = '';
        if (r.data.seatsLeft !== undefined) setSeats(id, r.data.seatsLeft);
        markCourse(card.dataset.course, id);
        say(card, texts.swapped, true);
      } else {
        const wasHeld = card.dataset.state === 'held';
        card.dataset.state = 'none';
        if (wasHeld && card.dataset.course) markCourse(card.dataset.course, null);
        document.querySelectorAll(`[data-grid-section="${id}"]`).forEach(el => el.remove());
        say(card, action === 'drop' ? texts.dropped : texts.left, true);
        if (card.dataset.seats === undefined) card.querySelector('.actions').remove();
      }
    } catch (offline) {
      say(card, texts.network, false);
    } finally {
      buttons.forEach(b => { b.disabled = false; });
      refresh(card);
      const result = card.querySelector('.result');
      result.tabIndex = -1;
      if (!card.contains(document.activeElement) || document.activeElement.hidden) result.focus();
    }
  }

  document.addEventListener('click', event => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const card = button.closest('[data-section]');
    if (card) act(card, button.dataset.action);
  });

  // ---- live seat counts: one EventSource per page
  const list = document.getElementById('sections');
  if (list && window.EventSource) {
    const source = new EventSource('/api/seats/stream?termId=' + encodeURIComponent(list.dataset.term));
    source.addEventListener('seats', e => {
      Object.entries(JSON.parse(e.data)).forEach(([id, seats]) => setSeats(id, seats));
    });
    source.addEventListener('waitlisted', e => {
      Object.entries(JSON.parse(e.data)).forEach(([id, length]) => setWaiting(id, length));
    });
  }

  // ---- selection window countdown
  const countdown = document.getElementById('countdown');
  if (countdown) {
    const opens = Date.parse(countdown.dataset.opens);
    const closes = Date.parse(countdown.dataset.closes);
    const pad = n => String(n).padStart(2, '0');
    const span = ms => {
      const s = Math.max(0, Math.floor(ms / 1000));
      const d = Math.floor(s / 86400);
      const clock = `${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
      return d > 0 ? `${d}${texts.days} ${clock}` : clock;
    };
    const tick = () => {
      const now = Date.now();
      const state = now < opens ? 'upcoming' : now < closes ? 'open' : 'closed';
      countdown.textContent = state === 'upcoming' ? fmt(texts.opensIn, span(opens - now))
        : state === 'open' ? fmt(texts.closesIn, span(closes - now)) : texts.closed;
      countdown.className = 'badge state-' + state;
    };
    tick();
    setInterval(tick, 1000);
  }

  // ---- password page: send the code, then wait out the limit
  const send = document.getElementById('send-code');
  if (send) {
    const status = document.getElementById('code-status');
    const wait = seconds => {
      let left = seconds;
      send.disabled = true;
      const step = () => {
        if (left <= 0) {
          clearInterval(timer);
          send.disabled = false;
          send.textContent = texts.sendCode;
          return;
        }
        send.textContent = fmt(texts.codeWait, left);
        left -= 1;
      };
      const timer = setInterval(step, 1000);
      step();
    };
    send.addEventListener('click', async () => {
      send.disabled = true;
      try {
        const r = await api('POST', '/api/me/email-code', { email: send.dataset.email });
        if (r.status === 202) {
          status.textContent = texts.codeSent;
          wait(Number(send.dataset.interval) || 60);
        } else if (r.status === 429) {
          status.textContent = errorMessage(r);
          wait(r.retryAfter || Number(send.dataset.interval) || 60);
        } else {
          status.textContent = errorMessage(r);
          send.disabled = false;
        }
      } catch (offline) {
        status.textContent = texts.network;
        send.disabled = false;
      }
    });
  }
})();

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
    const state = card.dataset.state;
    const confirming = state === 'held' && card.dataset.confirm === '1';
    if (card.dataset.seats === undefined) {
      // Timetable rows: only drop (with its confirmation) and leave.
      card.querySelectorAll('button[data-action]').forEach(b => {
        const a = b.dataset.action;
        b.hidden = !(a === 'drop' ? state === 'held' && !confirming : a === 'leave' ? state === 'waiting'
          : (a === 'confirm-drop' || a === 'cancel-drop') && confirming);
      });
      return;
    }
    const seats = Number(card.dataset.seats);
    const swap = card.dataset.swapFrom;
    const blocked = state === 'none' ? why(card) : null;
    const whyLine = card.querySelector('.why');
    if (whyLine) {
      whyLine.hidden = !blocked;
      whyLine.replaceChildren(...(blocked || []));
    }
    const show = {
      select: state === 'none' && seats > 0 && !swap && !blocked,
      swap: state === 'none' && seats > 0 && !!swap && !whyNotSwap(card),
      waitlist: state === 'none' && seats <= 0 && !blocked,
      drop: state === 'held' && !confirming,
      'confirm-drop': confirming,
      'cancel-drop': confirming,
      leave: state === 'waiting'
    };
    card.querySelectorAll('button[data-action]').forEach(b => { b.hidden = !show[b.dataset.action]; });
  }

  // ---- why a section cannot be taken, said on its card before any click (the scripts decide; this only foretells)
  // The student catalog's list (the admin catalog has a #sections too, without these data).
  const sectionsList = document.querySelector('#sections[data-max]');
  const minutes = hhmm => { const [h, m] = hhmm.split(':').map(Number); return h * 60 + m; };
  const overlaps = (a, b) => a.dataset.weekday === b.dataset.weekday
    && minutes(a.dataset.start) < minutes(b.dataset.end) && minutes(b.dataset.start) < minutes(a.dataset.end)
    && a.dataset.from <= b.dataset.to && b.dataset.from <= a.dataset.to;
  const heldCards = () => [...cards()].filter(c => c.dataset.state === 'held');

  /** Nodes saying why the card's section cannot be selected now, or null. */
  function why(card) {
    if (!sectionsList || card.dataset.weekday === undefined) return null;
    const windowState = sectionsList.dataset.window;
    if (windowState !== 'open') return [text(windowState === 'upcoming' ? texts.whyUpcoming : texts.whyClosed)];
    if (sectionsList.dataset.profileMissing) {
      const link = document.createElement('a');
      link.href = '/profile';
      link.textContent = texts.profileLink;
      return [text(texts.whyProfile + ' '), link];
    }
    if (card.dataset.excluded) return [text(fmt(texts.whyRestricted, card.dataset.prefixes.split(/\s+/).join(' / ')))];
    if (card.dataset.swapFrom) return null; // same course: the swap, which the limit does not stop
    const held = heldCards();
    if (held.length >= Number(sectionsList.dataset.max)) return [text(fmt(texts.whyLimit, sectionsList.dataset.max))];
    const clash = held.find(h => h !== card && overlaps(h, card));
    if (clash) return [text(fmt(texts.whyConflict, clash.dataset.title, clash.dataset.when))];
    return null;
  }

  /** A swap gives up the held section of the course, so only a clash with another held section stops it. */
  function whyNotSwap(card) {
    if (!sectionsList || card.dataset.weekday === undefined) return false;
    if (sectionsList.dataset.window !== 'open' || sectionsList.dataset.profileMissing || card.dataset.excluded) return true;
    return heldCards().some(h => h.dataset.section !== card.dataset.swapFrom && overlaps(h, card));
  }

  const text = t => document.createTextNode(t);

  /** Every card's buttons and reasons again (after anything held changed). */
  const refreshAll = () => cards().forEach(refresh);

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

  /** The card now holds its section (selected, swapped into, or promoted from the waitlist). */
  function nowHeld(card, message) {
    card.dataset.state = 'held';
    card.dataset.confirm = '';
    card.dataset.swapFrom = '';
    if (card.dataset.course) markCourse(card.dataset.course, card.dataset.section);
    say(card, message, true);
  }

  function nowFree(card, message) {
    const wasHeld = card.dataset.state === 'held';
    card.dataset.state = 'none';
    card.dataset.confirm = '';
    if (wasHeld && card.dataset.course) markCourse(card.dataset.course, null);
    document.querySelectorAll(`[data-grid-section="${card.dataset.section}"]`).forEach(el => el.remove());
    say(card, message, true);
  }

  async function act(card, action) {
    const id = Number(card.dataset.section);
    if (action === 'drop' || action === 'cancel-drop') {
      // Dropping gives the seat away at once (to the waitlist head): it takes a second click.
      card.dataset.confirm = action === 'drop' ? '1' : '';
      say(card, action === 'drop' ? texts.confirmDrop : '', true);
      refresh(card);
      const next = card.querySelector(action === 'drop' ? 'button[data-action="cancel-drop"]' : 'button[data-action="drop"]');
      if (next) next.focus();
      return;
    }
    const buttons = card.querySelectorAll('button');
    buttons.forEach(b => { b.disabled = true; });
    try {
      let r;
      if (action === 'select' || action === 'waitlist') {
        r = await api('POST', '/api/selections', { sectionId: id, waitlist: action === 'waitlist' });
      } else if (action === 'swap') {
        r = await api('POST', '/api/selections/swap', { from: Number(card.dataset.swapFrom), to: id });
      } else if (action === 'leave') {
        r = await api('DELETE', '/api/waitlist/' + id);
      } else {
        r = await api('DELETE', '/api/selections/' + id);
      }
      if (r.status === 401) {
        location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
        return;
      }
      if (!r.ok) {
        const error = (r.data && r.data.error) || {};
        if (error.code === 'NOT_WAITLISTED' && error.details && error.details.enrolled) {
          // Promoted between the page's last update and the click: the seat is kept.
          nowHeld(card, texts.promoted);
          return;
        }
        card.dataset.confirm = '';
        say(card, errorMessage(r), false);
        if (error.code === 'SECTION_FULL') setSeats(id, 0);
        return;
      }
      if (action === 'select' || action === 'waitlist') {
        if (r.data.status === 'ENROLLED') {
          setSeats(id, r.data.seatsLeft);
          nowHeld(card, texts.enrolled);
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
        if (r.data.seatsLeft !== undefined) setSeats(id, r.data.seatsLeft);
        nowHeld(card, texts.swapped);
      } else {
        nowFree(card, action === 'confirm-drop' ? texts.dropped : texts.left);
        if (card.dataset.seats === undefined) card.querySelector('.actions').remove();
      }
    } catch (offline) {
      say(card, texts.network, false);
    } finally {
      buttons.forEach(b => { b.disabled = false; });
      refresh(card);
      summarize();
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

  /** "已选 n / max" and the held sections' names, kept true after every change. */
  function summarize() {
    refreshAll();
    const summary = document.getElementById('summary');
    if (!summary) return;
    const held = [...cards()].filter(c => c.dataset.state === 'held');
    summary.querySelector('[data-held-count]').textContent = held.length;
    const names = summary.querySelector('[data-held-names]');
    names.textContent = held.length ? '：' + held.map(c => c.dataset.title).join('、') : '';
  }

  /**
   * The student's own standing from the stream (a change in another tab, a promotion, the
   * office): cards follow it. The timetable reloads instead, its grid is drawn by the server.
   */
  function applyMine(mine) {
    const enrolled = new Set(mine.enrolled.map(String));
    const waiting = new Set(mine.waitlisted.map(String));
    const list = document.getElementById('sections');
    if (!list) {
      const shown = [...cards()].filter(c => c.dataset.state !== 'none');
      const same = shown.length === enrolled.size + waiting.size && shown.every(c =>
        (c.dataset.state === 'held' ? enrolled : waiting).has(c.dataset.section));
      if (!same) location.reload();
      return;
    }
    cards().forEach(card => {
      const id = card.dataset.section;
      const state = enrolled.has(id) ? 'held' : waiting.has(id) ? 'waiting' : 'none';
      if (state === card.dataset.state) return;
      if (state === 'held') nowHeld(card, card.dataset.state === 'waiting' ? texts.promoted : texts.enrolled);
      else if (state === 'none') nowFree(card, card.dataset.state === 'held' ? texts.droppedElsewhere : texts.left);
      else {
        card.dataset.state = 'waiting';
        say(card, texts.waitingElsewhere, true);
      }
      refresh(card);
    });
    // Which held section each course's other cards would swap from.
    cards().forEach(card => {
      if (card.dataset.state !== 'none' || !card.dataset.course) return;
      const held = [...cards()].find(c => c.dataset.course === card.dataset.course && c.dataset.state === 'held');
      card.dataset.swapFrom = held ? held.dataset.section : '';
      refresh(card);
    });
    summarize();
  }

  /** Another login (or a logout elsewhere) ended this session: say so instead of failing on the next click. */
  function sessionGone(why) {
    const banner = document.getElementById('session-gone');
    if (!banner) return;
    banner.querySelector('[data-why]').textContent = why.replaced ? texts.sessionReplaced : texts.sessionEnded;
    banner.hidden = false;
    document.querySelectorAll('button[data-action]').forEach(b => { b.disabled = true; });
    banner.focus();
  }

  // ---- live seat counts and the student's own changes: one EventSource per page on screen
  const watched = document.querySelector('[data-stream-term]');
  if (watched && window.EventSource) {
    let source = null;
    let ended = false;
    const listen = () => {
      source = new EventSource('/api/seats/stream?termId=' + encodeURIComponent(watched.dataset.streamTerm));
      source.addEventListener('seats', e => {
        Object.entries(JSON.parse(e.data)).forEach(([id, seats]) => setSeats(id, seats));
      });
      source.addEventListener('waitlisted', e => {
        Object.entries(JSON.parse(e.data)).forEach(([id, length]) => setWaiting(id, length));
      });
      source.addEventListener('mine', e => applyMine(JSON.parse(e.data)));
      source.addEventListener('session', e => {
        ended = true;
        source.close();
        sessionGone(JSON.parse(e.data));
      });
    };
    listen();
    // A page the browser keeps for its back button would keep its stream, and with it one of the six
    // connections a browser opens to a site over HTTP/1.1: a few pages back and forth took them all,
    // and the page on screen waited a minute for any request. Back on screen, a new stream first
    // sends every count and the student's standing, so the page catches up.
    window.addEventListener('pagehide', () => source.close());
    window.addEventListener('pageshow', e => {
      if (e.persisted && !ended) listen();
    });
  }
  summarize();

  // ---- search and filters in place: every section is on the page, those left out are hidden
  const filters = document.getElementById('filters');
  if (filters && sectionsList) {
    const apply = () => {
      const data = new FormData(filters);
      const words = String(data.get('q') || '').trim().toLowerCase().split(/\s+/).filter(Boolean);
      const type = data.get('type') || '0';
      const period = data.get('period') || '0';
      const weekday = data.get('weekday') || '0';
      const seatsOnly = data.get('seats') === '1';
      let shown = 0;
      sectionsList.querySelectorAll('.group').forEach(group => {
        let any = false;
        group.querySelectorAll('.card').forEach(card => {
          const d = card.dataset;
          const fits = words.every(w => d.search.includes(w)) && (type === '0' || d.type === type)
            && (period === '0' || d.period === period) && (weekday === '0' || d.weekday === weekday)
            && (!seatsOnly || Number(d.seats) > 0 || d.state !== 'none');
          card.hidden = !fits;
          if (fits) { any = true; shown += 1; }
        });
        group.hidden = !any;
      });
      document.getElementById('no-match').hidden = shown > 0;
      document.getElementById('match-count').textContent = fmt(texts.matches, shown);
      // The address keeps the filters, so a reload or a shared link shows the same list.
      const query = new URLSearchParams([...data.entries()].filter(([, v]) => v !== '' && v !== '0'));
      history.replaceState(null, '', query.toString() ? '?' + query : location.pathname);
    };
    filters.addEventListener('input', apply);
    filters.addEventListener('change', apply);
    filters.addEventListener('submit', event => { event.preventDefault(); apply(); });
    document.getElementById('filter-apply').hidden = true;
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
      if (sectionsList && sectionsList.dataset.window !== state) {
        sectionsList.dataset.window = state; // the window opened (or closed) while the page was open
        refreshAll();
      }
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

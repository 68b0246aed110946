// xuanke admin pages: live dashboard (SSE + canvas chart), catalog forms, student import with
// progress, password resets, one student's page (edits, changes on their behalf). Every change goes to the JSON API with the CSRF header; no inline
// script (the CSP forbids it); texts come from #admin-texts.
(() => {
  'use strict';
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.documentElement.lang;
  const texts = document.getElementById('admin-texts').dataset;
  const codes = JSON.parse(document.getElementById('code-texts').dataset.codes);
  /** A field's or row's error code as a sentence that says what is expected; never the code itself. */
  const fieldText = (code, field) => codes.fields[`${field}.${code}`] || codes.fields[code] || codes.fields.unknown;
  /** An API error code (e.g. a refusal reason) in words. */
  const errorText = code => codes.errors[code] || texts.error;

  async function api(method, url, body) {
    const headers = { 'Accept': 'application/json', 'Accept-Language': lang, 'X-CSRF-Token': csrf };
    let payload = body;
    if (body !== undefined && !(body instanceof FormData)) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(url, { method, headers, credentials: 'same-origin', body: payload });
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (notJson) { data = null; }
    }
    return { status: response.status, ok: response.ok, data };
  }

  /** An instant's wall-clock parts ({year, month, day, hour, minute, second}, as text) in a time zone. */
  const wallParts = (ms, zone) => Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit'
  }).formatToParts(new Date(ms)).map(p => [p.type, p.value]));
  /**
   * A date-time picker's value ("2026-09-01T08:00"), read on the school's clock whatever the
   * computer's own zone, as the ISO-8601 instant the API takes; null when not filled in.
   */
  const schoolInstant = (local, zone) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
    if (!m) return null;
    const wall = Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]);
    const offset = ms => {
      const p = wallParts(ms, zone);
      return Date.UTC(+p.year, p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - ms;
    };
    // A second pass settles a wall time whose offset differs from the first guess's (daylight saving).
    const first = wall - offset(wall);
    return new Date(wall - offset(first)).toISOString();
  };
  /** An instant as a date-time picker's value on the school's clock. */
  const schoolLocal = (iso, zone) => {
    const p = wallParts(Date.parse(iso), zone);
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
  };

  const errorOf = r => (r.data && r.data.error) || { code: 'NETWORK', message: texts.error, details: {} };
  const cell = (row, text) => { const td = document.createElement('td'); td.textContent = text; row.appendChild(td); return td; };
  const percent = x => (x * 100).toFixed(1) + '%';
  // A job (an import, a lottery, a publication) is polled until DONE or FAILED with its progress
  // bar kept current; an interrupted one says so and can be started again.
  const followJob = (jobId, progress, out, onRunning, onEnd) => {
    const poll = async () => {
      const r = await api('GET', `/api/admin/jobs/${jobId}`);
      if (!r.ok) { out.textContent = errorOf(r).message; return; }
      const job = r.data;
      progress.max = Math.max(1, job.total);
      progress.value = job.done;
      if (job.state === 'RUNNING') { onRunning(job); setTimeout(poll, 500); return; }
      out.className = job.state === 'DONE' ? 'result ok' : 'result error';
      onEnd(job);
    };
    poll();
  };

  function clearErrors(form) {
    form.querySelectorAll('.field-error').forEach(p => { p.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
  }

  /** Shows an API refusal on a form: each field's reason next to it, the message below. */
  function showErrors(form, result) {
    clearErrors(form);
    const error = errorOf(result);
    const fields = (error.details && error.details.fields) || {};
    const elsewhere = [];
    Object.entries(fields).forEach(([name, reason]) => {
      const p = form.querySelector(`.field-error[data-for="${name}"]`);
      if (p) p.textContent = fieldText(reason, name);
      else elsewhere.push(fieldText(reason, name));
      const input = form.querySelector(`[name="${name}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
    });
    const out = form.querySelector('.result');
    out.className = 'result error';
    out.textContent = [error.message, ...elsewhere].join(' ');
  }

  // ---- dashboard: figures, per-section fill, refusals and a selections-per-second chart over a
  // time axis (the last three minutes, a labelled tick every 30 s), live
  const dashboard = document.getElementById('dashboard');
  if (dashboard) {
    const term = dashboard.dataset.term;
    const WINDOW_MS = 180_000;
    const TICK_MS = 30_000;
    const history = []; // {at: ms, perSecond}
    const chart = document.getElementById('rate-chart');
    const clock = at => new Date(at).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
    const draw = () => {
      const g = chart.getContext('2d');
      const w = chart.width;
      const h = chart.height;
      const left = 44;
      const bottom = h - 22;
      const top = 8;
      const now = history.length ? history[history.length - 1].at : Date.now();
      const x = at => left + (1 - (now - at) / WINDOW_MS) * (w - left - 8);
      g.clearRect(0, 0, w, h);
      const max = Math.max(1, ...history.map(p => p.perSecond));
      g.font = '12px sans-serif';
      g.fillStyle = '#4b5563';
      g.strokeStyle = '#d1d5db';
      g.lineWidth = 1;
      // The value axis: zero and the highest rate shown.
      g.textAlign = 'right';
      g.fillText(max.toFixed(0) + '/s', left - 6, top + 10);
      g.fillText('0', left - 6, bottom);
      g.beginPath();
      g.moveTo(left + 0.5, top);
      g.lineTo(left + 0.5, bottom + 0.5);
      g.lineTo(w - 8, bottom + 0.5);
      g.stroke();
      // The time axis: a tick on every whole half minute, labelled with the clock time; "now" at the right end.
      g.textAlign = 'center';
      for (let at = Math.ceil((now - WINDOW_MS) / TICK_MS) * TICK_MS; at <= now; at += TICK_MS) {
        const tx = Math.round(x(at)) + 0.5;
        g.beginPath();
        g.moveTo(tx, bottom);
        g.lineTo(tx, bottom + 4);
        g.stroke();
        // Leaves room for "now" at the right end.
        if (tx < w - 8 - g.measureText(texts.now).width - g.measureText(clock(at)).width / 2 - 8) g.fillText(clock(at), tx, h - 6);
      }
      g.textAlign = 'right';
      g.fillText(texts.now, w - 8, h - 6);
      g.strokeStyle = '#2563eb';
      g.lineWidth = 2;
      g.beginPath();
      history.forEach((p, i) => {
        const y = bottom - (p.perSecond / max) * (bottom - top - 14);
        if (i === 0) g.moveTo(x(p.at), y); else g.lineTo(x(p.at), y);
      });
      g.stroke();
      // What the picture shows, for screen readers: the period it covers.
      if (history.length) chart.setAttribute('aria-label', `${chart.dataset.label} ${clock(history[0].at)}–${clock(now)}`);
    };
    const show = stats => {
      const totals = stats.totals;
      document.getElementById('f-enrolled').textContent = `${totals.enrolled} / ${totals.capacity}`;
      document.getElementById('f-fill').textContent = percent(totals.fillRate);
      document.getElementById('f-waitlisted').textContent = totals.waitlisted;
      document.getElementById('f-rate').textContent = stats.selections.perSecond.toFixed(1);
      // One plain figure: changes accepted but not yet in MySQL (written in order, so the stream length counts them).
      document.getElementById('f-lag').textContent = String(stats.persistence.streamLength);
      const students = stats.students || {};
      document.getElementById('f-unselected').textContent =
        students.unselected === undefined ? '–' : `${students.unselected} / ${students.cohort}`;
      const mail = stats.mail || {};
      document.getElementById('f-mail').textContent = `${texts.queued} ${mail.queued ?? 0} · ${texts.failed} ${mail.failed ?? 0}`;
      const body = document.querySelector('#fill-table tbody');
      body.replaceChildren(...stats.sections.map(s => {
        const row = document.createElement('tr');
        cell(row, `#${s.sectionId} ${s.courseTitle}`);
        const bar = document.createElement('progress');
        bar.max = 1;
        bar.value = s.fillRate;
        const td = cell(row, ' ' + percent(s.fillRate));
        td.prepend(bar);
        cell(row, `${s.enrolled} / ${s.capacity}`);
        cell(row, s.waitlisted);
        return row;
      }));
      document.querySelector('#refusal-table tbody').replaceChildren(...Object.entries(stats.refusals).map(([code, n]) => {
        const row = document.createElement('tr');
        cell(row, errorText(code));
        cell(row, n);
        return row;
      }));
      history.push({ at: Date.now(), perSecond: stats.selections.perSecond });
      while (history.length && history[history.length - 1].at - history[0].at > WINDOW_MS) history.shift();
      draw();
    };
    const state = document.getElementById('live-state');
    const events = new EventSource(`/api/admin/stats/stream?termId=${encodeURIComponent(term)}`);
    events.addEventListener('stats', e => { state.textContent = texts.live; show(JSON.parse(e.data)); });
    events.onerror = () => { state.textContent = texts.offline; };
  }

  const reconcile = document.getElementById('reconcile');
  if (reconcile) {
    reconcile.addEventListener('click', async () => {
      reconcile.disabled = true;
      const out = document.getElementById('reconcile-result');
      const list = document.getElementById('reconcile-list');
      const r = await api('GET', `/api/admin/reconcile?termId=${encodeURIComponent(reconcile.dataset.term)}`);
      reconcile.disabled = false;
      if (!r.ok) { out.textContent = errorOf(r).message; return; }
      const differences = r.data.differences;
      out.textContent = differences.length === 0 ? texts.ok : texts.differences.replace('{0}', differences.length);
      list.replaceChildren(...differences.map(d => { const li = document.createElement('li'); li.textContent = d; return li; }));
    });
  }

  // ---- catalog: one form per kind; edit fills it from the API, save posts or puts JSON
  document.querySelectorAll('.record-form').forEach(form => {
    const kind = form.dataset.kind;
    let editing = null;
    const label = form.querySelector('[data-editing]');
    form.addEventListener('reset', () => { editing = null; label.textContent = ''; });
    form.addEventListener('submit', async e => {
      e.preventDefault();
      const body = {};
      form.querySelectorAll('input[name], select[name]').forEach(input => {
        if (input.type === 'checkbox') body[input.name] = input.checked;
        else if (input.hasAttribute('data-instant')) body[input.name] = schoolInstant(input.value, form.dataset.zone);
        else if (input.hasAttribute('data-number')) body[input.name] = input.value === '' ? null : Number(input.value);
        else body[input.name] = input.value;
      });
      const r = editing ? await api('PUT', `/api/admin/${kind}/${editing}`, body) : await api('POST', `/api/admin/${kind}`, body);
      if (r.ok) location.reload(); else showErrors(form, r);
    });
    document.querySelectorAll(`[data-edit="${kind}"]`).forEach(button => button.addEventListener('click', async () => {
      const term = button.dataset.term ? `?termId=${encodeURIComponent(button.dataset.term)}` : '';
      const r = await api('GET', `/api/admin/${kind}${term}`);
      const record = r.ok && r.data.find(x => String(x.id) === button.dataset.id);
      if (!record) return;
      editing = record.id;
      label.textContent = `#${record.id}`;
      form.querySelectorAll('input[name], select[name]').forEach(input => {
        if (input.hasAttribute('data-keep') || !(input.name in record)) return;
        if (input.type === 'checkbox') input.checked = Boolean(record[input.name]);
        else if (input.hasAttribute('data-instant')) input.value = schoolLocal(record[input.name], form.dataset.zone);
        else input.value = record[input.name];
      });
      form.scrollIntoView({ behavior: 'smooth' });
    }));
    document.querySelectorAll(`[data-retire="${kind}"]`).forEach(button => button.addEventListener('click', async () => {
      if (!confirm(texts.confirm)) return;
      const r = await api('DELETE', `/api/admin/${kind}/${button.dataset.id}`);
      if (r.ok) location.reload(); else alert(errorOf(r).message);
    }));
  });

  // ---- students: reset a password (asked first, shown once), add one, import a file with a progress bar
  /** A text with {0}, {1}… filled in. */
  const fill = (text, ...values) => values.reduce((out, v, i) => out.replace(`{${i}}`, v), text);
  /** Resets a student's password once the office confirmed; the temporary password goes to {@code out}. */
  const resetPassword = async (id, out) => {
    if (!confirm(fill(texts.confirmReset, id))) return;
    const r = await api('POST', `/api/admin/students/${encodeURIComponent(id)}/reset-password`);
    out.className = r.ok ? 'result ok' : 'result error';
    out.textContent = r.ok ? `${id}: ${texts.temporary} ${r.data.temporaryPassword}` : errorOf(r).message;
  };
  const resetOut = document.getElementById('reset-result');
  document.querySelectorAll('[data-reset]').forEach(button => button.addEventListener('click',
    () => resetPassword(button.dataset.reset, resetOut)));
  /** A form's fields as the API takes them (text inputs and choices). */
  const values = form => {
    const body = {};
    form.querySelectorAll('input[name]:not([type="checkbox"]), select[name]').forEach(input => { body[input.name] = input.value; });
    return body;
  };

  const add = document.getElementById('add-student');
  if (add) {
    add.addEventListener('submit', async e => {
      e.preventDefault();
      const body = { termId: Number(add.dataset.term), ...values(add) };
      let r = await api('POST', '/api/admin/students', body);
      // An existing 学号: the office says whether to update and move that student.
      if (r.status === 409 && errorOf(r).code === 'STUDENT_EXISTS') {
        const existing = errorOf(r).details;
        if (!confirm(fill(texts.exists, existing.studentId, existing.name))) return;
        r = await api('POST', '/api/admin/students', { ...body, overwrite: true });
      }
      if (!r.ok) { showErrors(add, r); return; }
      clearErrors(add);
      add.reset();
      const out = add.querySelector('.result');
      out.className = 'result ok';
      out.textContent = r.data.created ? `${r.data.studentId}: ${texts.temporary} ${r.data.temporaryPassword}` : `${r.data.studentId}: ${texts.moved}`;
    });
  }

  const upload = document.getElementById('import-form');
  if (upload) {
    const progress = document.getElementById('import-progress');
    const out = document.getElementById('import-result');
    const errors = document.getElementById('import-errors');
    const passwords = document.getElementById('import-passwords');
    const showEnd = jobId => job => {
      out.textContent = (job.state === 'DONE' ? texts.jobDone : texts.jobFailed)
        .replace('{0}', job.created).replace('{1}', job.moved).replace('{2}', job.errors.length);
      errors.hidden = job.errors.length === 0;
      errors.querySelector('tbody').replaceChildren(...job.errors.map(x => {
        const row = document.createElement('tr');
        cell(row, x.row || '–');
        cell(row, fieldText(x.code));
        return row;
      }));
      if (job.state === 'DONE' && job.created > 0) {
        passwords.href = `/api/admin/jobs/${jobId}/passwords`;
        passwords.hidden = false;
      }
      document.getElementById('import-submit').disabled = false;
    };
    upload.addEventListener('submit', async e => {
      e.preventDefault();
      const file = document.getElementById('import-file').files[0];
      if (!file) return;
      const data = new FormData();
      data.append('file', file, file.name);
      document.getElementById('import-submit').disabled = true;
      progress.hidden = false;
      progress.removeAttribute('value');
      passwords.hidden = true;
      out.className = 'result';
      const r = await api('POST', `/api/admin/students/import?termId=${encodeURIComponent(upload.dataset.term)}`, data);
      if (r.status !== 202) {
        out.className = 'result error';
        out.textContent = errorOf(r).message;
        document.getElementById('import-submit').disabled = false;
        return;
      }
      followJob(r.data.jobId, progress, out, job => { out.textContent = `${job.done} / ${job.total}`; }, showEnd(r.data.jobId));
    });
  }

  // ---- one student: edit, deactivate, reset; select, drop or leave a waitlist on their behalf (asked first)
  const student = document.getElementById('student');
  if (student) {
    const id = student.dataset.student;
    const base = `/api/admin/students/${encodeURIComponent(id)}`;
    const out = document.getElementById('student-result');
    const failed = r => { out.className = 'result error'; out.textContent = errorText(errorOf(r).code); };
    document.getElementById('student-reset').addEventListener('click', () => resetPassword(id, out));
    const deactivate = document.getElementById('student-deactivate');
    if (deactivate) deactivate.addEventListener('click', async () => {
      if (!confirm(fill(texts.confirmDeactivate, id))) return;
      const r = await api('POST', `${base}/deactivate`);
      if (r.ok) location.reload(); else failed(r);
    });
    const reactivate = document.getElementById('student-reactivate');
    if (reactivate) reactivate.addEventListener('click', async () => {
      const r = await api('POST', `${base}/reactivate`);
      if (r.ok) location.reload(); else failed(r);
    });
    const change = (selector, question, path) => document.querySelectorAll(selector).forEach(button =>
      button.addEventListener('click', async () => {
        if (!confirm(fill(question, id, button.dataset.title))) return;
        const r = await api('DELETE', `${base}/${path}/${button.dataset.dropFor || button.dataset.leaveFor}`);
        if (r.ok) location.reload(); else failed(r);
      }));
    change('[data-drop-for]', texts.confirmDrop, 'selections');
    change('[data-leave-for]', texts.confirmLeave, 'waitlist');
    const enrol = document.getElementById('enrol-for');
    if (enrol) enrol.addEventListener('submit', async e => {
      e.preventDefault();
      const r = await api('POST', `${base}/selections`, {
        sectionId: Number(enrol.querySelector('[name="sectionId"]').value),
        waitlist: enrol.querySelector('[name="waitlist"]').checked });
      const result = enrol.querySelector('.result');
      if (!r.ok) { result.className = 'result error'; result.textContent = errorText(errorOf(r).code); return; }
      result.className = 'result ok';
      result.textContent = r.data.status === 'ENROLLED' ? texts.enrolled : fill(texts.waitlisted, r.data.position);
      setTimeout(() => location.reload(), 800);
    });
    const edit = document.getElementById('edit-student');
    edit.addEventListener('submit', async e => {
      e.preventDefault();
      const r = await api('PUT', base, values(edit));
      if (!r.ok) { showErrors(edit, r); return; }
      clearErrors(edit);
      const result = edit.querySelector('.result');
      result.className = 'result ok';
      result.textContent = texts.saved;
    });
  }

  // ---- rounds: add a round; run a pre-selection's lottery as a job with progress; publish
  const roundForm = document.getElementById('round-form');
  if (roundForm) {
    roundForm.addEventListener('submit', async e => {
      e.preventDefault();
      const body = { termId: Number(roundForm.dataset.term), kind: roundForm.querySelector('[name="kind"]').value };
      roundForm.querySelectorAll('input[name]').forEach(input => {
        if (input.value === '') return;
        if (input.hasAttribute('data-instant')) body[input.name] = schoolInstant(input.value, roundForm.dataset.zone);
        else if (input.hasAttribute('data-number')) body[input.name] = Number(input.value);
      });
      const r = await api('POST', '/api/admin/rounds', body);
      if (!r.ok) { showErrors(roundForm, r); return; }
      window.location.reload();
    });
  }
  document.querySelectorAll('form[data-lottery]').forEach(form => {
    const id = form.dataset.lottery;
    const out = form.querySelector('.result');
    const progress = form.querySelector('progress');
    const showProgress = job => {
      if (job.kind === 'PUBLISH') out.textContent = texts.publishing.replace('{0}', job.done).replace('{1}', job.total);
    };
    const showEnd = job => {
      if (job.state !== 'DONE') out.textContent = codes.fields[job.error] || errorText(job.error);
      else if (job.kind === 'PUBLISH') out.textContent = texts.published.replace('{0}', job.placed);
      else out.textContent = texts.lotteryDone.replace('{0}', job.won).replace('{1}', job.wishes).replace('{2}', job.cancelled.length);
    };
    const start = async (url, body) => {
      out.className = 'result';
      out.textContent = '';
      progress.hidden = false;
      const r = await api('POST', url, body);
      if (r.status !== 202) { out.className = 'result error'; out.textContent = errorOf(r).message; return; }
      followJob(r.data.jobId, progress, out, showProgress, showEnd);
    };
    form.addEventListener('submit', e => {
      e.preventDefault();
      start(`/api/admin/rounds/${id}/lottery`, { seed: Number(form.querySelector('[name="seed"]').value) });
    });
    form.querySelector('[data-publish]').addEventListener('click', () => start(`/api/admin/rounds/${id}/publish`));
  });
})();

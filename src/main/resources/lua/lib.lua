-- Shared by the selection scripts (select.lua, drop.lua, swap.lua, batch.lua, plan.lua) and the
-- section edits: the loader prepends this file to each of them.
--
-- Every key is passed in KEYS and carries the term's hash tag:
--   1 term    hash  opens closes dropCloses (epoch ms) max profileRequired gen ready (= META_LAYOUT); with
--                   rounds also rounds ("opens:closes:dropCloses:releaseMinS:releaseMaxS;" per round, in
--                   order) and release:<sectionId> ("releaseAtMs,..." seats held back after a drop)
--   2 cohort  hash  studentId -> "1" (profile complete) | "0"
--   3 sec     hash  sectionId -> "capacity|course|weekday|startMin|endMin|periodStart|periodEnd|prefixes"
--                   course and prefixes with "%" and "|" escaped as %25 and %7C; prefixes space-separated
--                   (written by course/SectionMeta.encode; parse_meta below is the only reader)
--   4 seats   hash  sectionId -> seats left
--   5 holds   hash  studentId -> "id,id" sections held
--   6 waits   hash  studentId -> "id,id" sections waitlisted
--   7 wlen    hash  sectionId -> waitlist length
--   8 events  stream of accepted changes, read by the persister
--   9 wlseq   counter giving waitlist order
--  10 sessions hash studentId -> id of the account's one live session (written at login)
--  11 roster  set of the section's students     12 wl  zset: the section's waitlist by seq
--  13/14 roster and wl of the swap's target section
local K_TERM, K_COHORT, K_SEC, K_SEATS, K_HOLDS, K_WAITS, K_WLEN, K_EVENTS, K_WLSEQ, K_SESSIONS =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]

-- The session check rides along in the script, so the selection route needs no extra round
-- trip. A student of another term's cohort has no session here: that is NOT_IN_TERM. A change the
-- office makes on the student's behalf (`by` set, by the admin routes only) needs no session of theirs.
local function session_refusal(student, sid, by)
  if by and by ~= '' then return nil end
  if sid ~= '' and redis.call('HGET', K_SESSIONS, student) == sid then return nil end
  if redis.call('HEXISTS', K_COHORT, student) == 0 then return { 'NOT_IN_TERM' } end
  return { 'UNAUTHENTICATED' }
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The generation of the live state (see TermLoader), written into every event.
local TERM_GEN = '0'

-- The term's "ready" flag names the layout of its section metadata: a state written in an older
-- layout is not ready, and TermLoader rebuilds it (SectionMeta.LAYOUT).
local META_LAYOUT = '2'

local function load_term()
  local v = redis.call('HMGET', K_TERM, 'opens', 'closes', 'dropCloses', 'max', 'profileRequired', 'ready', 'gen', 'rounds')
  if v[6] ~= META_LAYOUT then return nil end
  TERM_GEN = v[7] or '0'
  return { opens = tonumber(v[1]), closes = tonumber(v[2]), dropCloses = tonumber(v[3]),
           max = tonumber(v[4]), profileRequired = v[5] == '1', rounds = v[8], releaseMin = 0, releaseMax = 0 }
end

-- A term with rounds: the round running at `now` (else the next one, else the last) gives the
-- windows the checks use and the delay range of a held-back seat. Without rounds nothing changes.
local function apply_round(term, now)
  if not term.rounds or term.rounds == '' then return end
  local chosen
  for o, c, d, rmin, rmax in string.gmatch(term.rounds, '(%d+):(%d+):(%d+):(%d+):(%d+)') do
    chosen = { tonumber(o), tonumber(c), tonumber(d), tonumber(rmin), tonumber(rmax) }
    if now < math.max(chosen[2], chosen[3]) then break end
  end
  if chosen then
    term.opens, term.closes, term.dropCloses, term.releaseMin, term.releaseMax = unpack(chosen)
  end
end

-- Seats held back after drops (see hold_seat) whose time has come are given back to the section.
-- Only terms with rounds can have them, so other terms pay nothing.
local function release_due(term, section, now)
  if not term.rounds then return end
  local field = 'release:' .. section
  local pending = redis.call('HGET', K_TERM, field)
  if not pending then return end
  local kept, freed = {}, 0
  for at in string.gmatch(pending, '%d+') do
    if tonumber(at) <= now then freed = freed + 1 else kept[#kept + 1] = at end
  end
  if freed == 0 then return end
  redis.call('HINCRBY', K_SEATS, section, freed)
  if #kept == 0 then redis.call('HDEL', K_TERM, field)
  else redis.call('HSET', K_TERM, field, table.concat(kept, ',')) end
end

local function split_ids(s)
  local ids = {}
  if s then for id in string.gmatch(s, '[^,]+') do ids[#ids + 1] = id end end
  return ids
end

local function list_has(s, id)
  for _, x in ipairs(split_ids(s)) do if x == id then return true end end
  return false
end

local function list_add(key, student, id)
  local s = redis.call('HGET', key, student)
  if s and s ~= '' then s = s .. ',' .. id else s = id end
  redis.call('HSET', key, student, s)
end

local function list_remove(key, student, id)
  local kept = {}
  for _, x in ipairs(split_ids(redis.call('HGET', key, student))) do
    if x ~= id then kept[#kept + 1] = x end
  end
  if #kept == 0 then redis.call('HDEL', key, student)
  else redis.call('HSET', key, student, table.concat(kept, ',')) end
end

-- One pattern match: a gmatch loop over the fields cost 1 µs more per section parsed. No value
-- holds a raw "|" (SectionMeta escapes them); the course is only ever compared, never shown, so
-- it stays escaped, and escaped prefixes could not match a student id either way.
local function parse_meta(s)
  local capacity, course, weekday, startMin, endMin, periodStart, periodEnd, prefixes =
    string.match(s, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|?(.*)$')
  return { capacity = tonumber(capacity), course = course, weekday = tonumber(weekday),
           startMin = tonumber(startMin), endMin = tonumber(endMin),
           periodStart = tonumber(periodStart), periodEnd = tonumber(periodEnd), prefixes = prefixes }
end

local function allowed(meta, student)
  if meta.prefixes == '' then return true end
  for prefix in string.gmatch(meta.prefixes, '%S+') do
    if string.sub(student, 1, #prefix) == prefix then return true end
  end
  return false
end

local function overlaps(a, b)
  return a.weekday == b.weekday
    and a.periodStart <= b.periodEnd and b.periodStart <= a.periodEnd
    and a.startMin < b.endMin and b.startMin < a.endMin
end

-- The refusal a student holding `heldCsv` (minus `ignoring`) gets for `section`, or nil.
local function holding_conflict(heldCsv, section, meta, ignoring, max)
  local held, count = {}, 0
  for _, id in ipairs(split_ids(heldCsv)) do
    if id == section then return { 'ALREADY_ENROLLED' } end
    if id ~= ignoring then held[#held + 1] = id end
  end
  if #held > 0 then
    local metas = redis.call('HMGET', K_SEC, unpack(held))
    for i, id in ipairs(held) do
      if metas[i] then
        local other = parse_meta(metas[i])
        if other.course == meta.course then return { 'COURSE_ALREADY_TAKEN', id } end
        if overlaps(other, meta) then return { 'TIME_CONFLICT', id } end
      end
    end
  end
  if #held >= max then return { 'LIMIT_REACHED' } end
  return nil
end

-- `by`: the admin who made the change on the student's behalf (absent when the student made it).
local function emit(type, student, section, at, seq, by)
  if by and by ~= '' then
    redis.call('XADD', K_EVENTS, '*', 'type', type, 'student', student, 'section', section, 'at', at,
      'seq', seq or 0, 'gen', TERM_GEN, 'by', by)
  else
    redis.call('XADD', K_EVENTS, '*', 'type', type, 'student', student, 'section', section, 'at', at,
      'seq', seq or 0, 'gen', TERM_GEN)
  end
end

local function take_seat(student, section, rosterKey, at, type, by)
  local left = redis.call('HINCRBY', K_SEATS, section, -1)
  redis.call('SADD', rosterKey, student)
  list_add(K_HOLDS, student, section)
  emit(type, student, section, at, nil, by)
  return left
end

local function release_seat(student, section, rosterKey, at, by)
  redis.call('HINCRBY', K_SEATS, section, 1)
  redis.call('SREM', rosterKey, student)
  list_remove(K_HOLDS, student, section)
  emit('DROP', student, section, at, nil, by)
end

local function leave_waitlist(student, section, wlKey)
  redis.call('ZREM', wlKey, student)
  redis.call('HINCRBY', K_WLEN, section, -1)
  list_remove(K_WAITS, student, section)
end

-- Gives the section's free seats to the head(s) of its waitlist. A head who meanwhile took a
-- conflicting section (or reached the maximum), or whom an admin's edit of the section's
-- restriction now excludes, is taken off the list and the next one tried.
local function promote(section, meta, rosterKey, wlKey, term, at)
  local promoted = {}
  while tonumber(redis.call('HGET', K_SEATS, section)) > 0 do
    local head = redis.call('ZRANGE', wlKey, 0, 0)[1]
    if not head then break end
    leave_waitlist(head, section, wlKey)
    if not allowed(meta, head) or holding_conflict(redis.call('HGET', K_HOLDS, head), section, meta, nil, term.max) then
      emit('SKIP', head, section, at)
    else
      take_seat(head, section, rosterKey, at, 'PROMOTE')
      promoted[#promoted + 1] = head
    end
  end
  return promoted
end

-- A seat freed in an add/drop round that releases seats after a delay: it is taken off the seats
-- left until a time within the round's range, decided here from `draw` (a random fraction in
-- [0, 1) the caller passes), and recorded as a HOLD event whose `at` is that time.
local function hold_seat(term, student, section, now, draw)
  local at = now + math.floor((term.releaseMin + (term.releaseMax - term.releaseMin) * draw) * 1000)
  redis.call('HINCRBY', K_SEATS, section, -1)
  local field = 'release:' .. section
  local pending = redis.call('HGET', K_TERM, field)
  redis.call('HSET', K_TERM, field, pending and (pending .. ',' .. at) or tostring(at))
  emit('HOLD', student, section, at)
  return {}
end

-- A freed seat goes to the waitlist head(s), or is held back when the running round says so.
local function free_seat(term, student, section, meta, rosterKey, wlKey, now, draw)
  if term.releaseMax > 0 then return hold_seat(term, student, section, now, draw) end
  return promote(section, meta, rosterKey, wlKey, term, now)
end

-- Checks common to select and swap: the window, the cohort, the section and its restriction.
local function admission(term, student, section, now)
  if now < term.opens or now >= term.closes then
    return nil, { 'WINDOW_CLOSED', tostring(term.opens), tostring(term.closes) }
  end
  local cohort = redis.call('HGET', K_COHORT, student)
  if not cohort then return nil, { 'NOT_IN_TERM' } end
  if term.profileRequired and cohort ~= '1' then return nil, { 'PROFILE_INCOMPLETE' } end
  local raw = redis.call('HGET', K_SEC, section)
  if not raw then return nil, { 'SECTION_NOT_FOUND' } end
  local meta = parse_meta(raw)
  if not allowed(meta, student) then return nil, { 'RESTRICTED' } end
  return meta, nil
end

-- The three selection steps below are the rules of select.lua, drop.lua and swap.lua (each runs
-- one) and of batch.lua (which runs many in one call). `term` is load_term()'s, with
-- apply_round(term, now) applied; each returns the step's answer. `by`: the admin acting on the
-- student's behalf ('' or nil: the student), held to every rule a student is, the session aside.

-- Select a section, or join its waitlist when it is full and the student asked to.
-- Returns {'ENROLLED', seatsLeft} | {'WAITLISTED', position} | {refusal code, detail...}
local function select_step(term, now, student, section, wantWaitlist, sid, by, K_ROSTER, K_WL)
  local denied = session_refusal(student, sid, by)
  if denied then return denied end
  local meta, refusal = admission(term, student, section, now)
  if refusal then return refusal end

  local rank = redis.call('ZRANK', K_WL, student)
  if rank then return { 'WAITLISTED', rank + 1 } end

  local held = redis.call('HGET', K_HOLDS, student)
  if list_has(held, section) then return { 'ALREADY_ENROLLED' } end
  -- A full section is refused before the course, time and maximum checks: those the student could
  -- fix by dropping something, this not, and dropping for nothing would cost them a seat. It is
  -- also most answers of an opening, and skipping the holdings' metadata halves their cost.
  release_due(term, section, now)
  local left = tonumber(redis.call('HGET', K_SEATS, section))
  if left <= 0 and not wantWaitlist then return { 'SECTION_FULL' } end

  refusal = holding_conflict(held, section, meta, nil, term.max)
  if refusal then return refusal end

  if left > 0 then
    return { 'ENROLLED', take_seat(student, section, K_ROSTER, now, 'ENROLL', by) }
  end

  local seq = redis.call('INCR', K_WLSEQ)
  redis.call('ZADD', K_WL, seq, student)
  redis.call('HINCRBY', K_WLEN, section, 1)
  list_add(K_WAITS, student, section)
  emit('WAITLIST', student, section, now, seq, by)
  return { 'WAITLISTED', redis.call('ZRANK', K_WL, student) + 1 }
end

-- Drop a held section (its seat goes to the waitlist head in this same step), or leave its
-- waitlist: two intents, so that a page showing a waitlist place can never drop the seat a
-- promotion gave meanwhile. `draw`: a random fraction in [0, 1), the delay of a seat held back in
-- an add/drop round that says so.
-- Returns {'DROPPED', seatsLeft, promoted...} | {'LEFT_WAITLIST'} | {refusal code, detail...}
local function drop_step(term, now, student, section, sid, intent, draw, by, K_ROSTER, K_WL)
  local denied = session_refusal(student, sid, by)
  if denied then return denied end
  if now < term.opens then return { 'WINDOW_CLOSED', tostring(term.opens), tostring(term.closes) } end
  if now >= term.dropCloses then return { 'DROP_CLOSED', tostring(term.dropCloses) } end

  local raw = redis.call('HGET', K_SEC, section)
  if not raw then return { 'SECTION_NOT_FOUND' } end

  local holds = list_has(redis.call('HGET', K_HOLDS, student), section)
  if intent == 'WAITLIST' then
    -- A student promoted meanwhile keeps the seat: 'HELD' tells the page to show it as selected.
    if holds then return { 'NOT_WAITLISTED', 'HELD' } end
    if not redis.call('ZSCORE', K_WL, student) then return { 'NOT_WAITLISTED' } end
    leave_waitlist(student, section, K_WL)
    emit('UNWAITLIST', student, section, now, nil, by)
    return { 'LEFT_WAITLIST' }
  end
  if not holds then return { 'NOT_ENROLLED' } end

  release_seat(student, section, K_ROSTER, now, by)
  local promoted = free_seat(term, student, section, parse_meta(raw), K_ROSTER, K_WL, now, draw)
  local reply = { 'DROPPED', tonumber(redis.call('HGET', K_SEATS, section)) }
  for _, p in ipairs(promoted) do reply[#reply + 1] = p end
  return reply
end

-- Swap a held section for another in one step: on any refusal nothing changes and the student
-- still holds `from`. The seat freed in `from` goes to its waitlist head.
-- Returns {'ENROLLED', seatsLeftInTo, promoted...} | {refusal code, detail...}
local function swap_step(term, now, student, from, to, sid, draw, K_FROM_ROSTER, K_FROM_WL, K_TO_ROSTER, K_TO_WL)
  local denied = session_refusal(student, sid)
  if denied then return denied end
  local toMeta, refusal = admission(term, student, to, now)
  if refusal then return refusal end
  if now >= term.dropCloses then return { 'DROP_CLOSED', tostring(term.dropCloses) } end

  local fromRaw = redis.call('HGET', K_SEC, from)
  if not fromRaw then return { 'SECTION_NOT_FOUND' } end
  local heldCsv = redis.call('HGET', K_HOLDS, student)
  if not list_has(heldCsv, from) then return { 'NOT_ENROLLED' } end
  refusal = holding_conflict(heldCsv, to, toMeta, from, term.max)
  if refusal then return refusal end
  release_due(term, to, now)
  if tonumber(redis.call('HGET', K_SEATS, to)) <= 0 then return { 'SECTION_FULL' } end

  release_seat(student, from, K_FROM_ROSTER, now)
  if redis.call('ZSCORE', K_TO_WL, student) then
    leave_waitlist(student, to, K_TO_WL)
    emit('UNWAITLIST', student, to, now)
  end
  local left = take_seat(student, to, K_TO_ROSTER, now, 'ENROLL')
  local reply = { 'ENROLLED', left }
  for _, p in ipairs(free_seat(term, student, from, parse_meta(fromRaw), K_FROM_ROSTER, K_FROM_WL, now, draw)) do
    reply[#reply + 1] = p
  end
  return reply
end

-- The term as the selection steps need it, or nil (then every step answers TERM_NOT_READY).
local function selection_term()
  local term = load_term()
  if not term then return nil end
  local now = now_ms()
  apply_round(term, now)
  return term, now
end

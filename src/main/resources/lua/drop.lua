-- Drop a held section (its seat goes to the waitlist head in this same step), or leave its
-- waitlist: two intents, so that a page showing a waitlist place can never drop the seat a
-- promotion gave meanwhile. ARGV: studentId, sectionId, session id, intent ('SEAT' | 'WAITLIST'),
-- random fraction in [0, 1) (the delay of a seat held back in an add/drop round that says so), and
-- the admin acting on the student's behalf ('' or absent: the student), held to the same windows.
-- Returns {'DROPPED', seatsLeft, promoted...} | {'LEFT_WAITLIST'} | {refusal code, detail...}
local student, section, sid, intent, draw, by = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5] or '0'), ARGV[6]
local K_ROSTER, K_WL = KEYS[11], KEYS[12]

local term = load_term()
if not term then return { 'TERM_NOT_READY' } end
local denied = session_refusal(student, sid, by)
if denied then return denied end
local now = now_ms()
apply_round(term, now)
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

-- Tries a student's whole plan (选课计划) in one atomic step: each section in plan order, as a
-- select without the waitlist; a refusal of one section leaves the others standing.
-- ARGV: studentId, session id, sectionId... KEYS 11, 12, …: roster and waitlist of each section, in order.
-- Returns {'PLAN', code, detail, code, detail, ...} with code ENROLLED (detail: seats left) or a
-- refusal (detail: the conflicting section, or ''), or {refusal code, detail...} for the whole plan.
local student, sid = ARGV[1], ARGV[2]

local term = load_term()
if not term then return { 'TERM_NOT_READY' } end
local denied = session_refusal(student, sid)
if denied then return denied end
local now = now_ms()
apply_round(term, now)
if now < term.opens or now >= term.closes then
  return { 'WINDOW_CLOSED', tostring(term.opens), tostring(term.closes) }
end

local function try(section, rosterKey, wlKey)
  local meta, refusal = admission(term, student, section, now)
  if refusal then return refusal end
  if redis.call('ZSCORE', wlKey, student) then return { 'WAITLISTED', '' } end
  local held = redis.call('HGET', K_HOLDS, student)
  if list_has(held, section) then return { 'ALREADY_ENROLLED' } end
  release_due(term, section, now)
  if tonumber(redis.call('HGET', K_SEATS, section)) <= 0 then return { 'SECTION_FULL' } end
  refusal = holding_conflict(held, section, meta, nil, term.max)
  if refusal then return refusal end
  return { 'ENROLLED', take_seat(student, section, rosterKey, now, 'ENROLL') }
end

local reply = { 'PLAN' }
for i = 3, #ARGV do
  local slot = 11 + (i - 3) * 2
  local result = try(ARGV[i], KEYS[slot], KEYS[slot + 1])
  reply[#reply + 1] = result[1]
  reply[#reply + 1] = result[2] or ''
end
return reply

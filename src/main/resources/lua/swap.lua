-- Swap a held section for another in one step: on any refusal nothing changes and the student
-- still holds `from`. The seat freed in `from` goes to its waitlist head.
-- ARGV: studentId, fromSectionId, toSectionId, session id, random fraction in [0, 1) (a held-back seat's delay).
-- Returns {'ENROLLED', seatsLeftInTo, promoted...} | {refusal code, detail...}
local student, from, to, sid, draw = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5] or '0')
local K_FROM_ROSTER, K_FROM_WL, K_TO_ROSTER, K_TO_WL = KEYS[11], KEYS[12], KEYS[13], KEYS[14]

local term = load_term()
if not term then return { 'TERM_NOT_READY' } end
local denied = session_refusal(student, sid)
if denied then return denied end
local now = now_ms()
apply_round(term, now)
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

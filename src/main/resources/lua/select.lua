-- Select a section, or join its waitlist when it is full and the student asked to.
-- ARGV: studentId, sectionId, "1" to join the waitlist when full, session id, and the admin acting
-- on the student's behalf ('' or absent: the student). The office passes every check a student does.
-- Returns {'ENROLLED', seatsLeft} | {'WAITLISTED', position} | {refusal code, detail...}
local student, section, wantWaitlist, sid, by = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5]
local K_ROSTER, K_WL = KEYS[11], KEYS[12]

local term = load_term()
if not term then return { 'TERM_NOT_READY' } end
local denied = session_refusal(student, sid, by)
if denied then return denied end
local now = now_ms()
apply_round(term, now)
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

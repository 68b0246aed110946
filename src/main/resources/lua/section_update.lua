-- An admin creates or edits a section of a live term. ARGV: sectionId, meta (lib.lua layout).
-- The roster stays; seats left follow the new capacity, and new seats go to the waitlist head(s)
-- in this same step, with the same PROMOTE / SKIP events as a drop.
-- While anyone holds or waits for the section, its course and schedule (day, times, period dates)
-- stay as they are: a change could give them overlapping sections or two of one course.
-- Returns {'UPDATED', seatsLeft, promoted...} | {'BELOW_ROSTER', rosterSize}
--   | {'HAS_STUDENTS', rosterSize, waitlistLength} | {'TERM_NOT_READY'}
local section, raw = ARGV[1], ARGV[2]
local K_ROSTER, K_WL = KEYS[11], KEYS[12]

local term = load_term()
if not term then return { 'TERM_NOT_READY' } end
local meta = parse_meta(raw)
local enrolled = redis.call('SCARD', K_ROSTER)
local old = redis.call('HGET', K_SEC, section)
if old then
  local was = parse_meta(old)
  local rescheduled = was.course ~= meta.course or was.weekday ~= meta.weekday or was.startMin ~= meta.startMin
    or was.endMin ~= meta.endMin or was.periodStart ~= meta.periodStart or was.periodEnd ~= meta.periodEnd
  local waiting = redis.call('ZCARD', K_WL)
  if rescheduled and (enrolled > 0 or waiting > 0) then return { 'HAS_STUDENTS', enrolled, waiting } end
end
if meta.capacity < enrolled then return { 'BELOW_ROSTER', enrolled } end

redis.call('HSET', K_SEC, section, raw)
redis.call('HSET', K_SEATS, section, meta.capacity - enrolled)
if redis.call('HEXISTS', K_WLEN, section) == 0 then redis.call('HSET', K_WLEN, section, 0) end
local promoted = promote(section, meta, K_ROSTER, K_WL, term, now_ms())
local reply = { 'UPDATED', tonumber(redis.call('HGET', K_SEATS, section)) }
for _, p in ipairs(promoted) do reply[#reply + 1] = p end
return reply

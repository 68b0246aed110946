-- Publishes a lottery's winners in one atomic step for the whole term: each (student, section)
-- takes a seat as a select would, with the same ENROLL event, so the persister writes them to
-- MySQL. Each place is checked again (seat, held twice, same course, time, maximum); a refused
-- one is reported and changes nothing; a student already holding the section counts as placed. A
-- tag is placed once: its reply is kept in the term's hash
-- and a repeat (a retried publication whose first answer was lost) gets that same reply back.
-- ARGV: tag, then studentId, sectionId, index in KEYS of the section's roster, ...
-- Returns {'PLACED' | 'ALREADY_PLACED', count, student, section, refusal code, ...}
local tag = ARGV[1]

local term = load_term()
if not term then return { 'TERM_NOT_READY' } end
local kept = redis.call('HGET', K_TERM, 'placed:' .. tag)
if kept then
  local again = { 'ALREADY_PLACED', 0 }
  local first = cjson.decode(kept)
  -- A marker written before replies were kept is a bare '1': nothing more to give back.
  if type(first) == 'table' then
    for i = 2, #first do again[i] = first[i] end
  end
  return again
end
local now = now_ms()

local reply = { 'PLACED', 0 }
local placed = 0
for i = 2, #ARGV, 3 do
  local student, section, roster = ARGV[i], ARGV[i + 1], KEYS[tonumber(ARGV[i + 2])]
  local raw = redis.call('HGET', K_SEC, section)
  local held = redis.call('HGET', K_HOLDS, student)
  local refusal
  if not raw then
    refusal = { 'SECTION_NOT_FOUND' }
  elseif list_has(held, section) then
    -- Already seated there (by this tag's first run, if the live state was rebuilt since and lost
    -- its reply): placed, not refused, and no second seat.
    refusal = nil
  elseif tonumber(redis.call('HGET', K_SEATS, section)) <= 0 then
    refusal = { 'SECTION_FULL' }
  else
    refusal = holding_conflict(held, section, parse_meta(raw), nil, term.max)
  end
  if refusal then
    reply[#reply + 1] = student
    reply[#reply + 1] = section
    reply[#reply + 1] = refusal[1]
  else
    if not list_has(held, section) then take_seat(student, section, roster, now, 'ENROLL') end
    placed = placed + 1
  end
end
reply[2] = placed
redis.call('HSET', K_TERM, 'placed:' .. tag, cjson.encode(reply))
return reply

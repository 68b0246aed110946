-- An admin retires a section of a live term: refused while anyone holds it or waits for it.
-- ARGV: sectionId. Returns {'RETIRED'} | {'HAS_STUDENTS', rosterSize, waitlistLength} | {'TERM_NOT_READY'}
local section = ARGV[1]
local K_ROSTER, K_WL = KEYS[11], KEYS[12]

if not load_term() then return { 'TERM_NOT_READY' } end
local enrolled, waiting = redis.call('SCARD', K_ROSTER), redis.call('ZCARD', K_WL)
if enrolled > 0 or waiting > 0 then return { 'HAS_STUDENTS', enrolled, waiting } end
redis.call('HDEL', K_SEC, section)
redis.call('HDEL', K_SEATS, section)
redis.call('HDEL', K_WLEN, section)
return { 'RETIRED' }

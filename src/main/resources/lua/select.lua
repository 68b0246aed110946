-- Select a section (lib.lua's select_step has the rules).
-- ARGV: studentId, sectionId, "1" to join the waitlist when full, session id, and the admin acting
-- on the student's behalf ('' or absent: the student). KEYS 11/12: the section's roster and waitlist.
local term, now = selection_term()
if not term then return { 'TERM_NOT_READY' } end
return select_step(term, now, ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5], KEYS[11], KEYS[12])

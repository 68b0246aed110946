-- Drop a held section or leave its waitlist (lib.lua's drop_step has the rules).
-- ARGV: studentId, sectionId, session id, intent ('SEAT' | 'WAITLIST'), random fraction in [0, 1),
-- and the admin acting on the student's behalf ('' or absent: the student).
-- KEYS 11/12: the section's roster and waitlist.
local term, now = selection_term()
if not term then return { 'TERM_NOT_READY' } end
return drop_step(term, now, ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5] or '0'), ARGV[6], KEYS[11], KEYS[12])

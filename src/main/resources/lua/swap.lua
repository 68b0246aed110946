-- Swap a held section for another in one step (lib.lua's swap_step has the rules).
-- ARGV: studentId, fromSectionId, toSectionId, session id, random fraction in [0, 1).
-- KEYS 11-14: roster and waitlist of `from`, then of `to`.
local term, now = selection_term()
if not term then return { 'TERM_NOT_READY' } end
return swap_step(term, now, ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5] or '0'),
  KEYS[11], KEYS[12], KEYS[13], KEYS[14])

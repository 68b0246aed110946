-- The selection steps of one term that arrived within one event-loop turn, run in one call
-- (course/Scripts): Redis and the client then parse one command and one reply for all of them.
-- The rules are lib.lua's select_step, drop_step and swap_step, as in select.lua, drop.lua and
-- swap.lua. Each step takes 7 ARGV: its script's name ('SELECT' | 'DROP' | 'SWAP') and that
-- script's ARGV, padded to 6; and its script's KEYS after the 10 common ones (2 keys, 4 for a
-- swap), the steps' keys following each other in the steps' order.
-- Returns one reply per step, each what the step's own script would have answered.
local replies = {}
local steps = #ARGV / 7
local term, now = selection_term()
if not term then
  for i = 1, steps do replies[i] = { 'TERM_NOT_READY' } end
  return replies
end
local k = 11
for i = 1, steps do
  local a = (i - 1) * 7
  local op, p1, p2, p3, p4, p5, p6 = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6],
    ARGV[a + 7]
  if op == 'SELECT' then
    replies[i] = select_step(term, now, p1, p2, p3 == '1', p4, p5, KEYS[k], KEYS[k + 1])
    k = k + 2
  elseif op == 'DROP' then
    replies[i] = drop_step(term, now, p1, p2, p3, p4, tonumber(p5), p6, KEYS[k], KEYS[k + 1])
    k = k + 2
  else
    replies[i] = swap_step(term, now, p1, p2, p3, p4, tonumber(p5), KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3])
    k = k + 4
  end
end
return replies

-- Uses an email verification code once. KEYS: the account's code. ARGV: 1 hash of the code
-- given, 2 wrong guesses allowed before the code is void.
-- Returns 1 (right; the code is gone), 0 (wrong), -1 (no code: expired, used or never sent).
local stored = redis.call('HGET', KEYS[1], 'hash')
if not stored then return -1 end
if stored == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if redis.call('HINCRBY', KEYS[1], 'wrong', 1) >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
return 0

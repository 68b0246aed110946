-- Ends a session if it is still the account's live one (a stale token cannot end a newer login).
-- KEYS: the sessions hash. ARGV: studentId, session id.
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0

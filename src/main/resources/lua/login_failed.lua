-- Counts a failed login of a client IP (across accounts) in a fixed window.
-- KEYS: the IP's failure counter. ARGV: window in ms.
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count

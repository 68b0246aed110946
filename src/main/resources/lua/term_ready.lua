-- Marks a rebuilt term ready, only while the rebuild still holds the lock (a rebuild that
-- outlived its lock must not declare its possibly stale state live).
-- KEYS: 1 the term hash, 2 the rebuild lock. ARGV: 1 lock token, 2… field/value pairs.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
return 1

-- Queues a mail unless one with the same once-key was queued before, in one step (a marker set
-- without the mail, or the mail without its marker, cannot happen).
-- KEYS: 1 the marker, 2 the outbox stream. ARGV: 1 marker lifetime s, 2… the entry's fields.
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], '*', unpack(fields))
return 1

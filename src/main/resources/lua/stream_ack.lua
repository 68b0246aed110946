-- Acknowledges and deletes handled stream entries in one step, so an entry is never left
-- acknowledged but still in the stream. KEYS: the stream. ARGV: 1 the group, 2… entry ids.
local ids = {}
for i = 2, #ARGV do ids[#ids + 1] = ARGV[i] end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
return redis.call('XDEL', KEYS[1], unpack(ids))

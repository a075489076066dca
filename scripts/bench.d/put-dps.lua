-- wrk script: PUT data_plane_status on random ports of a seeded store, alternating DOWN/ACTIVE so
-- that every request is a real change (revision bump, durable commit, outbox record).
local ids = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
end

function request()
  counter = counter + 1
  local id = ids[math.random(#ids)]
  local value = (counter % 2 == 0) and "DOWN" or "ACTIVE"
  return wrk.format("PUT", "/v2.0/ports/" .. id, {["Content-Type"] = "application/json"},
    '{"port": {"data_plane_status": "' .. value .. '"}}')
end

function response(status, headers, body)
  if status ~= 200 then io.stderr:write("unexpected status " .. status .. "\n") end
end

-- GET /api/v1/tickets/{id} with a random id in [1, MAX_ID].
local max_id = tonumber(os.getenv("MAX_ID") or "1000000")
local token = os.getenv("TOKEN")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/tickets/" .. math.random(1, max_id),
    { ["Authorization"] = "Bearer " .. token })
end

-- POST /api/v1/tickets: durable ticket creation (customer-facing, so each
-- also writes its acknowledgement to the outbox and its events).
local token = os.getenv("TOKEN")
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"subject":"Bench ticket %d","requester":{"email":"bench%d@example.com","name":"Bench %d"},' ..
    '"message":{"text":"My order %d has not arrived. Could you check the delivery status please?"},' ..
    '"priority":"normal"}', n, n % 5000, n % 5000, n)
  return wrk.format("POST", "/api/v1/tickets",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

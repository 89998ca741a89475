-- GET /api/v1/search with two random words of the seeded vocabulary (the
-- seeded text is made of these words, so every query matches many rows).
local token = os.getenv("TOKEN")
local words = { "invoice", "refund", "password", "login", "account", "delivery", "order",
  "broken", "screen", "battery", "subscription", "cancel", "upgrade", "error", "crash",
  "payment", "declined", "shipping", "warranty", "printer", "router", "billing", "coupon",
  "license", "firmware", "bluetooth", "overheating", "timeout", "permission" }
math.randomseed(os.time())
request = function()
  local q = words[math.random(#words)] .. "+" .. words[math.random(#words)]
  return wrk.format("GET", "/api/v1/search?limit=20&q=" .. q,
    { ["Authorization"] = "Bearer " .. token })
end

-- GET a team's queue of unsolved tickets, newest first, 50 a page; a random
-- team, and every fourth request asks for the next page.
local token = os.getenv("TOKEN")
local teams = tonumber(os.getenv("TEAMS") or "10")
math.randomseed(os.time())
request = function()
  local path = "/api/v1/tickets?status=active&limit=50&team=" .. math.random(1, teams)
  if math.random(1, 4) == 1 then path = path .. "&after=" .. math.random(100000, 1000000) end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

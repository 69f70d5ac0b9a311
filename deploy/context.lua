-- wrk script: GET /customers/{id}/context for the eight demo customers in turn, with the API token given
-- as the script's argument (`wrk … -s deploy/context.lua URL -- TOKEN`).
local counter = 0

function init(args)
    if args[1] then wrk.headers["Authorization"] = "Bearer " .. args[1] end
end

function request()
    counter = counter + 1
    return wrk.format("GET", string.format("/customers/demo-cust-%03d/context", counter % 8 + 1))
end

-- wrk script: GET /customers/{id}/context for the eight demo customers in turn.
local counter = 0

function request()
    counter = counter + 1
    return wrk.format("GET", string.format("/customers/demo-cust-%03d/context", counter % 8 + 1))
end

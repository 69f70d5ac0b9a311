-- wrk script: POSTs the Jira webhook file given after `--`, each request with a delivery id of its own
-- (prefixed by the run's name, the second argument), so no request is answered as a repeat.
local threads = 0
local counter = 0
local run = "bench"

function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
end

function init(args)
    local file = assert(io.open(args[1], "rb"))
    wrk.body = file:read("*a")
    file:close()
    run = args[2] or run
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    counter = counter + 1
    wrk.headers["X-Atlassian-Webhook-Identifier"] = run .. "-" .. thread_number .. "-" .. counter
    return wrk.format()
end

import Accounts
import Foundation
import HTTPTypes
import KinexusRedis
import KinexusServiceKit
import KinexusTestSupport
import Testing

/// Who gets in and what they may send: sign-in, sessions, form tokens, origins and the security headers.
@Suite(.serialized) struct ConsoleAccessTests {
    let harness = ConsoleHarness()

    @Test func aSignedOutVisitorIsSentToSignInAndBackAfterwards() async throws {
        try await harness.run { world in
            let name = TestEnvironment.unique("reader")
            let password = try await world.accounts.add(name: name, roles: [.viewer])
            let visitor = Visitor(world.client)
            let home = try await visitor.get("/console/reviews?page=2")
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/console/sign-in?next=%2Fconsole%2Freviews%3Fpage%3D2")

            let form = try await visitor.get("/console/sign-in?next=%2Fconsole%2Freviews%3Fpage%3D2")
            #expect(form.status == .ok)
            #expect(form.body.contains(#"<label for="username">Username</label>"#))
            #expect(form.body.contains(#"<label for="password">Password</label>"#))
            #expect(form.body.contains(#"<button type="submit">Sign in</button>"#))
            #expect(form.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(form.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(form.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(form.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")

            let signedIn = try await visitor.post("/console/sign-in", [
                ("csrf", form.csrf ?? ""), ("username", name.uppercased()), ("password", password), ("next", "/console/reviews?page=2"),
            ])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/console/reviews?page=2")
            let session = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("kinexus_session=") })
            #expect(session.contains("HttpOnly"))
            #expect(session.contains("SameSite=Strict"))
            #expect(!session.contains("Secure"), "the public address is http")
            let id = try #require(visitor.cookies["kinexus_session"])
            #expect(Data(base64Encoded: id)?.count == 32, "a 256-bit session id")
            #expect(try await world.redis.send("PTTL", "kinexus:session:\(id)").integer.map { $0 > 0 && $0 <= 7_200_000 } == true,
                    "kept in Redis with the idle expiry")

            let reviews = try await visitor.get("/console/reviews?page=2")
            #expect(reviews.status == .ok)
            #expect(reviews.body.contains(name))

            let signedOut = try await visitor.post("/console/sign-out", [("csrf", reviews.csrf ?? "")])
            #expect(signedOut.status == .seeOther)
            #expect(try await world.redis.send("EXISTS", "kinexus:session:\(id)").integer == 0, "sign-out ends the session")
            #expect(try await visitor.get("/").status == .seeOther)
        }
    }

    @Test func aNextAddressOfAnotherSiteIsIgnored() async throws {
        try await harness.run { world in
            let name = TestEnvironment.unique("reader")
            let password = try await world.accounts.add(name: name, roles: [.viewer])
            let visitor = Visitor(world.client)
            let form = try await visitor.get("/console/sign-in")
            let signedIn = try await visitor.post("/console/sign-in", [
                ("csrf", form.csrf ?? ""), ("username", name), ("password", password), ("next", "//evil.example/x"),
            ])
            #expect(signedIn.headers[.location] == "/")
        }
    }

    @Test func aSignInWithoutTheFormsTokenOrFromAnotherOriginChangesNothing() async throws {
        try await harness.run { world in
            let name = TestEnvironment.unique("reader")
            let password = try await world.accounts.add(name: name, roles: [.viewer])
            let visitor = Visitor(world.client)
            let form = try await visitor.get("/console/sign-in")
            let fields = [("username", name), ("password", password)]
            #expect(try await visitor.post("/console/sign-in", fields).status == .forbidden)
            #expect(try await visitor.post("/console/sign-in", fields + [("csrf", "0" + (form.csrf ?? ""))]).status == .forbidden)
            #expect(try await visitor.post("/console/sign-in", fields + [("csrf", form.csrf ?? "")], origin: "http://evil.example").status
                    == .forbidden)
            #expect(try await visitor.post("/console/sign-in", fields + [("csrf", form.csrf ?? "")], origin: nil).status == .forbidden)
            #expect(try await visitor.post("/console/sign-in", fields + [("csrf", form.csrf ?? "")], origin: "null").status == .forbidden,
                    "an opaque origin without Sec-Fetch-Site: same-origin")
            #expect(try await visitor.post("/console/sign-in", fields + [("csrf", form.csrf ?? "")], origin: "null",
                                           fetchSite: "cross-site").status == .forbidden)
            #expect(visitor.cookies["kinexus_session"] == nil)
            let refused = try await visitor.post("/console/sign-in", [("csrf", form.csrf ?? ""), ("username", String(repeating: "n", count: 100_000)),
                                                                     ("password", password)])
            #expect(refused.status == .unauthorized)
            #expect(try await visitor.post("/console/sign-in", [("csrf", form.csrf ?? ""), ("username", name + "\0"), ("password", password)])
                .status == .badRequest, "a NUL character never reaches Postgres")
            // The refused sign-in's page holds a new form: its token is the one that counts now.
            #expect(try await visitor.post("/console/sign-in", fields + [("csrf", refused.csrf ?? "")], origin: "null",
                                           fetchSite: "same-origin").status == .seeOther,
                    "a browser under Referrer-Policy: no-referrer sends Origin: null with Sec-Fetch-Site: same-origin")
        }
    }

    @Test func fiveFailedSignInsRefuseTheNameForTheRestOfTheWindow() async throws {
        try await harness.run { world in
            let name = TestEnvironment.unique("target")
            let password = try await world.accounts.add(name: name, roles: [.viewer])
            let visitor = Visitor(world.client)
            for _ in 1...5 {
                let form = try await visitor.get("/console/sign-in")
                let refused = try await visitor.post("/console/sign-in", [("csrf", form.csrf ?? ""), ("username", name), ("password", "wrong")])
                #expect(refused.status == .unauthorized)
                #expect(refused.body.contains("Wrong username or password."))
            }
            let form = try await visitor.get("/console/sign-in")
            let locked = try await visitor.post("/console/sign-in", [("csrf", form.csrf ?? ""), ("username", name), ("password", password)])
            #expect(locked.status == .tooManyRequests)
            #expect(visitor.cookies["kinexus_session"] == nil)
            let ttl = try #require(try await world.redis.send("PTTL", "kinexus:sign-in-failures:\(name.lowercased())").integer)
            #expect(ttl > 0 && ttl <= 15 * 60 * 1000)
        }
    }

    @Test func disablingAUserOrResettingTheirPasswordEndsTheirSessions() async throws {
        try await harness.run { world in
            let name = TestEnvironment.unique("leaver")
            let password = try await world.accounts.add(name: name, roles: [.viewer])
            let visitor = Visitor(world.client)
            #expect(try await visitor.signIn(name, password).status == .seeOther)
            #expect(try await visitor.get("/").status == .ok)
            let newPassword = try await world.accounts.resetPassword(name: name)
            #expect(try await visitor.get("/").status == .seeOther, "a reset ends the session")
            #expect(try await visitor.signIn(name, password).status == .unauthorized)
            #expect(try await visitor.signIn(name, newPassword).status == .seeOther)

            try await world.accounts.disable(name: name)
            #expect(try await visitor.get("/").status == .seeOther, "disabling ends the session")
            #expect(try await visitor.signIn(name, newPassword).status == .unauthorized, "a disabled user cannot sign in")
        }
    }

    @Test func aSessionEndsAfterItsLifetimeWhateverItsUse() async throws {
        try await harness.run(environment: ["KINEXUS_SESSION_LIFETIME": "2s"]) { world in
            let name = TestEnvironment.unique("brief")
            let password = try await world.accounts.add(name: name, roles: [.viewer])
            let visitor = Visitor(world.client)
            #expect(try await visitor.signIn(name, password).status == .seeOther)
            #expect(try await visitor.get("/").status == .ok)
            try await Task.sleep(for: .milliseconds(2100))
            #expect(try await visitor.get("/").status == .seeOther)
        }
    }

    @Test func accountsRefuseBadNamesRolesAndDuplicates() async throws {
        try await harness.run { world in
            let name = TestEnvironment.unique("twin")
            try await world.accounts.add(name: name, roles: [.agent], password: "a long enough password")
            await #expect(throws: AccountError.nameTaken(name.uppercased())) {
                try await world.accounts.add(name: name.uppercased(), roles: [.agent])
            }
            await #expect(throws: AccountError.self) { try await world.accounts.add(name: "no spaces", roles: [.agent]) }
            await #expect(throws: AccountError.self) { try await world.accounts.add(name: "x", roles: [.agent], password: "short") }
            #expect(throws: AccountError.self) { try AccountRules.roles("reviewer,owner") }
            #expect(try AccountRules.roles(" reviewer , Author ") == [.reviewer, .author])
            await #expect(throws: AccountError.noSuchUser("nobody-\(name)")) { try await world.accounts.disable(name: "nobody-\(name)") }
            #expect(try await world.accounts.addFirstAdministrator(password: nil) == nil, "users exist: no first administrator")
            let listed = try #require(try await world.accounts.user(named: name))
            #expect(listed.roles == [.agent])
        }
    }
}

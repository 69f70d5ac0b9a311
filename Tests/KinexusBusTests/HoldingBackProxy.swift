import Foundation
import KinexusRedis
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A TCP proxy in front of a test server (Redis or Postgres) that holds traffic back, as a loaded process or a
/// server that stopped answering would:
/// - for a while, what a connection sends once it carries one of the given texts (words of a script's body):
///   that command reaches the server late, while the other connections go through at once, and what follows on
///   the held connection waits behind it;
/// - for ever, everything either side sends from `silence()` on (or from the start): the connections stay open
///   and nothing more reaches the other side. What clients send meanwhile is kept, for `heardWhileSilent`.
final class HoldingBackProxy: Sendable {
    /// The URL the proxy was put in front of (user, password, database), through the proxy.
    let url: String
    private let server: any Channel
    private let quiet: Silence

    /// In front of the server a `redis://` or `postgres://` URL names.
    init(inFrontOf url: String, holdingBack texts: [String] = [], for delay: Duration = .zero, silent: Bool = false) async throws {
        let target = try #require(URLComponents(string: url))
        let targetHost = try #require(target.host), targetPort = target.port ?? (target.scheme == "redis" ? 6379 : 5432)
        let group = MultiThreadedEventLoopGroup.singleton
        let held = texts.map { Array($0.utf8) }, hold = TimeAmount.milliseconds(delay.milliseconds)
        let silence = Silence(silent)
        server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                ClientBootstrap(group: client.eventLoop)
                    .channelInitializer { target in
                        target.eventLoop.makeCompletedFuture {
                            try target.pipeline.syncOperations.addHandler(
                                Forwarder(to: client, holding: nil, silence: silence, fromClient: false))
                        }
                    }
                    .connect(host: targetHost, port: targetPort)
                    .flatMapThrowing { target in
                        try client.pipeline.syncOperations.addHandler(
                            Forwarder(to: target, holding: (held, hold), silence: silence, fromClient: true))
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        var proxied = target
        proxied.host = "127.0.0.1"
        proxied.port = server.localAddress?.port
        self.url = try #require(proxied.string)
        quiet = silence
    }

    /// From now on nothing a client sends reaches the server (it is kept, for `heardWhileSilent`). Replies to what
    /// was sent before still come back: a round trip under way when the silence begins ends, so the client's next
    /// one is the one that waits, and a test that silences the proxy hears it.
    func silence() {
        quiet.begin()
    }

    /// Whether a client sent `text` since the proxy fell silent.
    func heardWhileSilent(_ text: String) -> Bool {
        quiet.heard(text)
    }

    func close() async {
        try? await server.close()
    }

    private final class Silence: Sendable {
        private let state: Mutex<(on: Bool, heard: [UInt8])>

        init(_ on: Bool) { state = Mutex((on, [])) }

        func begin() { state.withLock { $0.on = true } }

        /// Whether the bytes must be dropped: a client's, while silent; they are kept.
        func swallows(_ bytes: ByteBuffer, fromClient: Bool) -> Bool {
            state.withLock {
                guard $0.on, fromClient else { return false }
                $0.heard += bytes.readableBytesView
                return true
            }
        }

        func heard(_ text: String) -> Bool {
            state.withLock { $0.heard.firstRange(of: Array(text.utf8)) != nil }
        }
    }

    /// Writes what one side reads to the other; with `holding`, a read that carries one of the texts, and every
    /// read after it until it is written, waits the delay.
    private final class Forwarder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private let peer: any Channel
        private let holding: (texts: [[UInt8]], delay: TimeAmount)?
        private let quiet: Silence
        private let fromClient: Bool
        private var heldUntil = NIODeadline.uptimeNanoseconds(0)

        init(to peer: any Channel, holding: (texts: [[UInt8]], delay: TimeAmount)?, silence: Silence, fromClient: Bool) {
            self.peer = peer
            self.holding = holding
            quiet = silence
            self.fromClient = fromClient
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            if quiet.swallows(bytes, fromClient: fromClient) { return }
            let now = NIODeadline.now()
            if let holding, holding.texts.contains(where: { bytes.readableBytesView.firstRange(of: $0) != nil }) {
                heldUntil = max(heldUntil, now) + holding.delay
            }
            let peer = peer
            if heldUntil <= now {
                peer.writeAndFlush(bytes, promise: nil)
            } else {
                context.eventLoop.scheduleTask(deadline: heldUntil) { peer.writeAndFlush(bytes, promise: nil) }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.close(promise: nil)
        }
    }
}

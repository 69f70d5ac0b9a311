import KinexusRedis
import NIOCore
import NIOPosix

/// A TCP proxy in front of the test Redis that holds back, for a while, what a connection sends once it carries
/// one of the given texts (words of a script's body): that command reaches Redis late, as from a process too
/// loaded to send it, while the other connections go through at once. What follows on the held connection
/// waits behind it.
final class HoldingBackProxy: Sendable {
    let url: String
    private let server: any Channel

    init(redisURL: String, holdingBack texts: [String], for delay: Duration) async throws {
        let target = try RedisConfiguration(url: redisURL)
        let group = MultiThreadedEventLoopGroup.singleton
        let held = texts.map { Array($0.utf8) }, hold = TimeAmount.milliseconds(delay.milliseconds)
        server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                ClientBootstrap(group: client.eventLoop)
                    .channelInitializer { redis in
                        redis.eventLoop.makeCompletedFuture {
                            try redis.pipeline.syncOperations.addHandler(Forwarder(to: client, holding: nil))
                        }
                    }
                    .connect(host: target.host, port: target.port)
                    .flatMapThrowing { redis in
                        try client.pipeline.syncOperations.addHandler(Forwarder(to: redis, holding: (held, hold)))
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = server.localAddress?.port ?? 0
        url = "redis://127.0.0.1:\(port)/\(target.database)"
    }

    func close() async {
        try? await server.close()
    }

    /// Writes what one side reads to the other; with `holding`, a read that carries one of the texts, and every
    /// read after it until it is written, waits the delay.
    private final class Forwarder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private let peer: any Channel
        private let holding: (texts: [[UInt8]], delay: TimeAmount)?
        private var heldUntil = NIODeadline.uptimeNanoseconds(0)

        init(to peer: any Channel, holding: (texts: [[UInt8]], delay: TimeAmount)?) {
            self.peer = peer
            self.holding = holding
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
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

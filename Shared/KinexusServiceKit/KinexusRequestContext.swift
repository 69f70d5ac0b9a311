import Hummingbird

/// The one request context of Kinexus's HTTP: every router, route collection and middleware of every
/// service uses it, so an API written for one service mounts on any other.
public struct KinexusRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    public var responseEncoder: KinexusResponseEncoder { KinexusResponseEncoder() }
}

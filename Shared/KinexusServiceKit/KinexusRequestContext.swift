import Hummingbird
import HummingbirdAuth

/// The one request context of Kinexus's HTTP: every router, route collection and middleware of every
/// service uses it, so an API written for one service mounts on any other. The console's session and
/// signed-in user live on it; machines calling the API with its token have neither.
public struct KinexusRequestContext: AuthRequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: SignedInUser?
    public let sessions: SessionContext<ConsoleSession>

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
    }

    public var responseEncoder: KinexusResponseEncoder { KinexusResponseEncoder() }
}

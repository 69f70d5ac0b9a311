import Foundation
import Hummingbird
import Mustache
import NIOPosix

/// The console's Mustache templates and its two static files, read once at start-up from the bundle beside
/// the executable. Mustache escapes every `{{value}}`; only `{{{html}}}` places markup, and only markup
/// the console made (rendered markdown has its raw HTML dropped).
public struct ConsoleTemplates: Sendable {
    let library: MustacheLibrary
    let assets: [String: (contentType: String, body: ByteBuffer)]

    public static func load() async throws -> ConsoleTemplates {
        try await NIOThreadPool.singleton.runIfActive {
            guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
                  let assets = Bundle.module.url(forResource: "Assets", withExtension: nil)
            else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the console's templates are missing"]) }
            var library = MustacheLibrary()
            for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
                let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
                try library.register(text, named: String(file.dropLast(".mustache".count)))
            }
            let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"]
            var files: [String: (String, ByteBuffer)] = [:]
            for file in try FileManager.default.contentsOfDirectory(atPath: assets.path) {
                guard let type = types[(file as NSString).pathExtension] else { continue }
                files[file] = (type, ByteBuffer(bytes: try Data(contentsOf: assets.appendingPathComponent(file))))
            }
            return ConsoleTemplates(library: library, assets: files)
        }
    }

    /// The template `name` rendered with `view` as a page of the console.
    func page(_ name: String, _ view: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(view, withTemplate: name) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the console has no template \(name)"])
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func asset(_ name: String) -> Response? {
        guard let (type, body) = assets[name] else { return nil }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: .init(byteBuffer: body))
    }
}

// The framework's floor for Benchmarks/web.sh: a bare Hummingbird 2 server, built the same way
// as `taizhang serve` (release, HTTP/1.1 on 127.0.0.1), that answers the benchmark's requests
// with no work of its own. The tick (POST /items/tick or /items/untick) answers 303 to the list;
// the list (GET /items) answers the bytes of the file PAGE, a real items page that web.sh saved,
// or "hello" when PAGE is not given. web.sh drives it with the same wrk script as the real server,
// so the difference between the two is what Taizhang itself costs per tick + reload.
//
//   taizhang-web-floor PORT [PAGE]
import Foundation
import Hummingbird

let arguments = CommandLine.arguments
guard arguments.count >= 2, let port = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: taizhang-web-floor PORT [PAGE]\n".utf8))
    exit(64)
}
let page: ByteBuffer
if arguments.count >= 3 {
    do {
        page = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
    } catch {
        FileHandle.standardError.write(Data("taizhang-web-floor: cannot read \(arguments[2]): \(error)\n".utf8))
        exit(66)
    }
} else {
    page = ByteBuffer(string: "hello")
}

let router = Router()
@Sendable func tick(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
    // Read the form as the real server does, then send the browser back to the list.
    _ = try await request.body.collect(upTo: 64 * 1024)
    return Response(status: .seeOther, headers: [.location: "/items?unit=c0001&ok=ticked#item"])
}
router.post("items/tick", use: tick)
router.post("items/untick", use: tick)
router.get("items") { _, _ in
    Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: page))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "floor"))
try await app.runService()

// mosexec_control.hpp — the job's control endpoint: mosexec's end of the operator's line (where the
// socket lives and what is said over it: control_socket.hpp; what each request does:
// mosexec_requests.hpp).
//
// mosexec is single-threaded and already waits in poll() for its children and agents, so the
// endpoint is served from that same loop: watch() adds its descriptors, serve() handles what poll
// found. Nothing here blocks; a client that connects and says nothing holds one of kMaxClients
// places until newer clients push it out.
//
// The socket is removed when the job ends: by close() (normal end), by an atexit handler (a usage
// error after the endpoint opened), and by a handler for the fatal signals mosexec does not
// already take (SIGQUIT, SIGUSR1, SIGSEGV, ...), which removes it and dies of the signal as
// before. Only SIGKILL leaves it behind; `mosctl list` removes such stale sockets.
#pragma once

#include <poll.h>

#include <functional>
#include <list>
#include <string>
#include <vector>

namespace mosexec {

class ControlServer {
public:
    // Answers one request line with the whole reply: output lines, then "ok\n" or "error: ...\n".
    using Handler = std::function<std::string(const std::string& request)>;

    explicit ControlServer(Handler handler) : handler_(std::move(handler)) {}
    ~ControlServer() { close(); }
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Creates the directory if needed and listens on DIR/PID.sock. If it cannot, prints one line
    // ("mosexec: no operator control for this job: WHY") and returns false: the job runs anyway.
    bool open();
    // Stops listening, drops clients and removes the socket. Idempotent.
    void close();
    bool is_open() const { return listen_fd_ >= 0; }

    // Appends the descriptors to wait for; after poll(), pass serve() the first of those entries.
    void watch(std::vector<pollfd>* fds) const;
    void serve(const pollfd* watched);

private:
    struct Client {
        int fd = -1;
        std::string in, out;  // request bytes so far; reply bytes not yet sent
        std::string refusal;  // the answer to a client of another user, whatever it asks
        bool answered = false;
    };
    static constexpr std::size_t kMaxClients = 16;

    void accept_clients();
    void read_request(Client& c);
    void answer(Client& c, const std::string& reply);
    bool flush(Client& c);  // false once the client is done with (sent all, or gone)

    Handler handler_;
    int listen_fd_ = -1;
    std::string path_;
    std::list<Client> clients_;
};

}  // namespace mosexec

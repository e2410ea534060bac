// mosexec_requests.cc — parsing and answering operator requests.
#include "mosexec_requests.hpp"

#include <charconv>
#include <optional>
#include <sstream>

namespace mosexec {

namespace {

using Words = std::vector<std::string>;

std::string error(const std::string& why) { return "error: " + why + "\n"; }

std::optional<long long> number(const std::string& word) {
    long long v = 0;
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
    if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
    return v;
}

// Each reply line must stay one line: a newline in an argument would end it early.
std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

std::string info(const JobInfo& job, const Words& words, const SendToPe&) {
    if (words.size() != 1) return error("info takes no arguments");
    std::string program;
    for (const std::string& w : job.program) {
        if (!program.empty()) program += ' ';
        program += one_line(w);
    }
    return "pid " + std::to_string(job.pid) + "\nranks " + std::to_string(job.nranks) + "\npes " +
           std::to_string(job.npes) + "\nprogram " + program + "\nok\n";
}

std::string migrate(const JobInfo& job, const Words& words, const SendToPe& send) {
    if (words.size() != 3) return error("migrate needs RANK and PE");
    auto rank = number(words[1]);
    auto pe = number(words[2]);
    if (!rank || *rank < 0 || *rank >= job.nranks)
        return error("rank '" + one_line(words[1]) + "' is not a rank of this job (ranks 0 to " +
                     std::to_string(job.nranks - 1) + ")");
    if (!pe || *pe < 0 || *pe >= job.npes)
        return error("PE '" + one_line(words[2]) + "' is not a PE of this job (PEs 0 to " +
                     std::to_string(job.npes - 1) + ")");
    std::string command = "migrate " + std::to_string(*rank) + " " + std::to_string(*pe);
    // PE 0 takes every operator command: the runtime routes it to wherever the rank lives.
    if (std::string why = send(0, command); !why.empty()) return error(why);
    return "asked the job to move rank " + std::to_string(*rank) + " to PE " + std::to_string(*pe) +
           " (it moves at its next library call)\nok\n";
}

std::string checkpoint(const JobInfo&, const Words& words, const SendToPe& send) {
    if (words.size() != 1) return error("checkpoint takes no arguments");
    if (std::string why = send(0, "checkpoint"); !why.empty()) return error(why);
    return "asked the job for a checkpoint (taken at its next collective on MPI_COMM_WORLD; the job's "
           "output says when it is written)\nok\n";
}

struct Request {
    const char* name;
    std::string (*run)(const JobInfo&, const Words&, const SendToPe&);
};
constexpr Request kRequests[] = {{"info", info}, {"migrate", migrate}, {"checkpoint", checkpoint}};

}  // namespace

std::string answer_request(const JobInfo& job, const std::string& request, const SendToPe& send) {
    Words words;
    std::istringstream in(request);
    for (std::string w; in >> w;) words.push_back(w);
    if (words.empty()) return error("empty request");
    for (const Request& r : kRequests)
        if (words[0] == r.name) return r.run(job, words, send);
    std::string known;
    for (const Request& r : kRequests) known += (known.empty() ? "" : ", ") + std::string(r.name);
    return error("unknown request '" + one_line(words[0]) + "' (this mosexec knows " + known + ")");
}

}  // namespace mosexec

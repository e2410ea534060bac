// mosexec_requests.cc — parsing and answering operator requests.
#include "mosexec_requests.hpp"

#include <charconv>
#include <optional>
#include <sstream>
#include <utility>

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
    if (job.stats && job.stats->drained(*pe))
        return error("PE " + std::to_string(*pe) + " is drained: it takes no ranks (mosctl undrain " +
                     std::to_string(*pe) + " first)");
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

std::string stats(const JobInfo& job, const Words& words, const SendToPe&) {
    if (words.size() != 1) return error("stats takes no arguments");
    if (!job.stats) return error("this job keeps no statistics");
    return job.stats->live() + "\nok\n";
}

// The PEs a drain or undrain names: one PE by number, or every PE of a host by name.
std::optional<std::vector<long long>> pes_named(const JobInfo& job, const std::string& word,
                                                std::string* why) {
    if (auto pe = number(word)) {
        if (*pe >= 0 && *pe < job.npes) return std::vector<long long>{*pe};
        *why = "PE '" + one_line(word) + "' is not a PE of this job (PEs 0 to " +
               std::to_string(job.npes - 1) + ")";
        return std::nullopt;
    }
    std::vector<long long> pes = job.stats ? job.stats->pes_of_host(word) : std::vector<long long>{};
    if (pes.empty()) {
        // Appended to a std::string, not "'" + std::string&&: GCC 12 -O3 warns falsely (-Wrestrict).
        std::string text(1, '\'');
        text += one_line(word);
        text += "' is neither a PE number nor a host of this job (mosctl show lists them)";
        *why = std::move(text);
        return std::nullopt;
    }
    return pes;
}

std::string list_of(const std::vector<long long>& pes) {
    std::string text = pes.size() == 1 ? "PE " : "PEs ";
    for (std::size_t i = 0; i < pes.size(); ++i) text += (i ? ", " : "") + std::to_string(pes[i]);
    return text;
}

std::string drain(const JobInfo& job, const Words& words, const SendToPe& send) {
    bool on = words[0] == "drain";
    if (words.size() != 2) return error(words[0] + " needs a PE or a host");
    if (!job.stats) return error("this job keeps no statistics, so it cannot be drained");
    std::string why;
    auto pes = pes_named(job, words[1], &why);
    if (!pes) return error(why);
    if (on) {
        std::size_t left = static_cast<std::size_t>(job.npes) - job.stats->drained_count();
        for (long long pe : *pes) left -= job.stats->drained(pe) ? 0 : 1;
        if (left == 0) return error("draining " + list_of(*pes) + " would leave no PE to run the ranks");
    }
    for (long long pe : *pes) {
        if (std::string failed = send(pe, words[0]); !failed.empty()) return error(failed);
        job.stats->set_drained(pe, on);
    }
    if (on)
        return "drained " + list_of(*pes) +
               ": its ranks move to other PEs at their next library calls, and " +
               "nothing moves there until mosctl undrain\nok\n";
    return "undrained " + list_of(*pes) + ": it takes ranks again\nok\n";
}

std::string stop(const JobInfo& job, const Words& words, const SendToPe&) {
    if (words.size() != 1) return error("stop takes no arguments");
    if (!job.stop) return error("this job cannot be stopped from here");
    job.stop();
    return "stopping the job (as mosexec does on SIGTERM)\nok\n";
}

struct Request {
    const char* name;
    std::string (*run)(const JobInfo&, const Words&, const SendToPe&);
};
constexpr Request kRequests[] = {{"info", info},   {"migrate", migrate}, {"checkpoint", checkpoint},
                                 {"stats", stats}, {"drain", drain},     {"undrain", drain},
                                 {"stop", stop}};

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

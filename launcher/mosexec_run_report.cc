// mosexec_run_report.cc — the run report: JSON from JobStats, drawn as inline SVG.
#include "mosexec_run_report.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mosexec {

using nlohmann::json;

namespace {

constexpr double kWidth = 960, kLeft = 110, kRight = 20;

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string num(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string bytes_text(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < 4) b /= 1024, ++u;
    return num(b, u ? 1 : 0) + " " + units[u];
}

// A step of the heat map's scale: white (nothing) to deep blue (the most), on a log scale so that
// a pair with a thousandth of the busiest pair's bytes still shows.
std::string heat_colour(double value, double max) {
    if (value <= 0 || max <= 0) return "#ffffff";
    double f = std::log1p(value) / std::log1p(max);
    f = std::clamp(f, 0.0, 1.0);
    auto mix = [f](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * f)); };
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(0xe8, 0x08), mix(0xf1, 0x30), mix(0xfa, 0x6b));
    return buf;
}

std::string host_of(const json& r, long long pe) {
    long long host = 0;
    for (const json& p : r["pes"])
        if (p.value("pe", -1LL) == pe) host = p.value("host", 0LL);
    if (host >= 0 && static_cast<std::size_t>(host) < r["hosts"].size())
        return r["hosts"][host].get<std::string>();
    return "";
}

// The load of each PE over time, one strip each; migrations as arrows between strips.
std::string timeline_svg(const json& r) {
    const json& tl = r["timeline"];
    long long npes = r["job"].value("pes", 1LL);
    double duration = std::max(r["job"].value("duration", 0.0), 0.001);
    const double strip = 46, gap = 12, top = 24;
    double height = top + static_cast<double>(npes) * (strip + gap) + 30;
    double plot = kWidth - kLeft - kRight;
    auto x = [&](double t) { return kLeft + plot * std::clamp(t / duration, 0.0, 1.0); };
    auto strip_top = [&](long long pe) { return top + static_cast<double>(pe) * (strip + gap); };
    // The strips' height is the busiest moment (said above them): a job that waits a lot still
    // shows its shape.
    double max_load = 0.01;
    for (const json& row : tl["load"])
        for (const json& v : row) max_load = std::max(max_load, v.get<double>());
    long long max_ranks = 1;
    for (const json& row : tl["ranks"])
        for (const json& v : row) max_ranks = std::max(max_ranks, static_cast<long long>(v.get<double>()));

    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << kWidth << " " << height
      << "\" role=\"img\" aria-label=\"load of each PE over time\">\n";
    s << "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
         "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#d6452b\"/>"
         "</marker></defs>\n";
    // Time axis: about eight ticks at round seconds.
    double step = std::pow(10, std::floor(std::log10(duration / 8)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (duration / (step * m) <= 8) {
            step *= m;
            break;
        }
    double bottom = top + static_cast<double>(npes) * (strip + gap);
    s << "<text font-size=\"11\" fill=\"#444\" x=\"" << kLeft << "\" y=\"" << top - 8
      << "\">full strip: load " << num(max_load, 2) << " CPU-s/s (filled), " << max_ranks
      << " ranks (dashed)</text>\n";
    for (double t = 0; t <= duration + 1e-9; t += step) {
        s << "<line stroke=\"#e4e4e4\" x1=\"" << num(x(t)) << "\" y1=\"" << top << "\" x2=\"" << num(x(t))
          << "\" y2=\"" << bottom - gap << "\"/>";
        s << "<text font-size=\"11\" fill=\"#666\" text-anchor=\"middle\" x=\"" << num(x(t)) << "\" y=\""
          << bottom + 6 << "\">" << num(t, step < 1 ? 1 : 0) << " s</text>\n";
    }
    s << "<text font-size=\"12\" fill=\"#444\" text-anchor=\"middle\" x=\"" << kLeft + plot / 2 << "\" y=\""
      << bottom + 22 << "\">time since start</text>\n";
    const json& ts = tl["t"];
    for (long long pe = 0; pe < npes; ++pe) {
        double y0 = strip_top(pe), y1 = y0 + strip;
        s << "<g class=\"pe\"><title>PE " << pe << "</title>";
        s << "<rect fill=\"#fafafa\" stroke=\"#ccc\" x=\"" << kLeft << "\" y=\"" << y0 << "\" width=\""
          << plot << "\" height=\"" << strip << "\"/>";
        s << "<text font-size=\"11\" fill=\"#333\" text-anchor=\"end\" x=\"" << kLeft - 8 << "\" y=\""
          << y0 + strip / 2 - 4 << "\">PE " << pe << "</text>";
        s << "<text font-size=\"10\" fill=\"#888\" text-anchor=\"end\" x=\"" << kLeft - 8 << "\" y=\""
          << y0 + strip / 2 + 10 << "\">" << escape(host_of(r, pe)) << "</text>";
        // Load: a filled area (CPU-seconds per second, the strip's height is max_load).
        // Built with += rather than "M" + std::string&&: GCC 12 -O3 warns falsely (-Wrestrict) on that.
        std::string area = "M", ranks_line;
        area += num(x(0));
        area += ",";
        area += num(y1);
        for (std::size_t i = 0; i < ts.size(); ++i) {
            double load =
                tl["load"][i].size() > static_cast<std::size_t>(pe) ? tl["load"][i][pe].get<double>() : 0;
            double rk =
                tl["ranks"][i].size() > static_cast<std::size_t>(pe) ? tl["ranks"][i][pe].get<double>() : 0;
            double t = ts[i].get<double>();
            area += " L" + num(x(t)) + "," + num(y1 - strip * load / max_load);
            ranks_line += (ranks_line.empty() ? "M" : " L") + num(x(t)) + "," +
                          num(y1 - strip * rk / static_cast<double>(max_ranks));
        }
        if (!ts.empty()) area += " L" + num(x(ts.back().get<double>())) + "," + num(y1);
        area += " Z";
        s << "<path fill=\"#7fb3d5\" stroke=\"#2471a3\" d=\"" << area << "\"/>";
        if (!ranks_line.empty())
            s << "<path fill=\"none\" stroke=\"#6c3483\" stroke-dasharray=\"3 2\" d=\"" << ranks_line
              << "\"/>";
        s << "</g>\n";
    }
    for (const json& m : r["migrations"]) {
        long long from = m.value("from", 0LL), to = m.value("to", 0LL);
        if (from < 0 || to < 0 || from >= npes || to >= npes) continue;
        double t = m.value("t", 0.0), xa = x(t);
        double ya = strip_top(from) + strip / 2, yb = strip_top(to) + strip / 2;
        yb += yb > ya ? -strip / 2 + 4 : strip / 2 - 4;
        s << "<g class=\"migration\" stroke=\"#d6452b\" fill=\"#d6452b\" stroke-width=\"1.5\"><title>"
          << num(t, 2) << " s: rank " << m.value("rank", 0LL) << " PE " << from << " &#8594; PE " << to
          << " (" << bytes_text(m.value("bytes", 0.0)) << " in " << num(m.value("seconds", 0.0) * 1e3, 2)
          << " ms)</title>";
        s << "<circle cx=\"" << num(xa) << "\" cy=\"" << num(ya) << "\" r=\"2.5\"/>";
        s << "<line x1=\"" << num(xa) << "\" y1=\"" << num(ya) << "\" x2=\"" << num(xa) << "\" y2=\""
          << num(yb) << "\" marker-end=\"url(#arrow)\"/></g>\n";
    }
    s << "</svg>\n";
    return s.str();
}

// Bytes sent between PEs: row = sender, column = receiver.
std::string matrix_svg(const json& r) {
    const json& bytes = r["traffic"]["bytes"];
    const json& messages = r["traffic"]["messages"];
    auto n = static_cast<long long>(bytes.size());
    double cell = std::clamp(560.0 / static_cast<double>(std::max(1LL, n)), 6.0, 48.0);
    double left = 70, top = 40, side = cell * static_cast<double>(n);
    double max = 0;
    for (const json& row : bytes)
        for (const json& v : row) max = std::max(max, v.get<double>());
    int label_every = static_cast<int>(std::ceil(14.0 / cell));
    double width = left + side + 140, height = top + side + 40;
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height
      << "\" role=\"img\" aria-label=\"bytes sent between PEs\">\n";
    s << "<text font-size=\"12\" fill=\"#444\" text-anchor=\"middle\" x=\"" << left + side / 2
      << "\" y=\"14\">to PE</text>";
    s << "<text font-size=\"12\" fill=\"#444\" text-anchor=\"middle\" transform=\"translate(16 "
      << top + side / 2 << ") rotate(-90)\">from PE</text>\n";
    for (long long i = 0; i < n; ++i) {
        if (i % label_every) continue;
        double c = static_cast<double>(i) * cell + cell / 2;
        s << "<text font-size=\"11\" fill=\"#666\" text-anchor=\"middle\" x=\"" << num(left + c) << "\" y=\""
          << top - 6 << "\">" << i << "</text>";
        s << "<text font-size=\"11\" fill=\"#333\" text-anchor=\"end\" x=\"" << left - 6 << "\" y=\""
          << num(top + c + 4) << "\">" << i << "</text>\n";
    }
    for (long long i = 0; i < n; ++i)
        for (long long j = 0; j < n; ++j) {
            double b = bytes[i][j].get<double>();
            s << "<rect class=\"cell\" stroke=\"#fff\" stroke-width=\"0.5\" x=\""
              << num(left + static_cast<double>(j) * cell) << "\" y=\""
              << num(top + static_cast<double>(i) * cell) << "\" width=\"" << num(cell) << "\" height=\""
              << num(cell) << "\" fill=\"" << heat_colour(b, max) << "\"><title>PE " << i << " &#8594; PE "
              << j << ": " << messages[i][j].get<unsigned long long>() << " messages, " << bytes_text(b)
              << "</title></rect>\n";
        }
    // The scale.
    double lx = left + side + 30;
    for (int k = 0; k < 10; ++k) {
        double v = max > 0 ? std::expm1(std::log1p(max) * (9 - k) / 9.0) : 0;
        s << "<rect x=\"" << lx << "\" y=\"" << num(top + k * 16.0) << "\" width=\"18\" height=\"16\" fill=\""
          << heat_colour(v, max) << "\"/>";
    }
    s << "<text font-size=\"11\" fill=\"#333\" x=\"" << lx + 24 << "\" y=\"" << top + 10 << "\">"
      << bytes_text(max) << "</text>";
    s << "<text font-size=\"11\" fill=\"#333\" x=\"" << lx + 24 << "\" y=\"" << top + 158
      << "\">0 B</text>\n";
    s << "</svg>\n";
    return s.str();
}

std::string page(const json& r) {
    const json& job = r["job"];
    double total_bytes = 0, total_messages = 0;
    for (const json& row : r["traffic"]["bytes"])
        for (const json& v : row) total_bytes += v.get<double>();
    for (const json& row : r["traffic"]["messages"])
        for (const json& v : row) total_messages += v.get<double>();
    std::string data = r.dump();
    // Inside <script>, "</" could end the element early.
    for (std::size_t at = 0; (at = data.find("</", at)) != std::string::npos; at += 3)
        data.replace(at, 2, "<\\/");
    std::ostringstream s;
    s << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mosix run report: "
      << escape(job.value("program", "")) << "</title>\n<style>\n"
      << "body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1000px; }\n"
         "h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }\n"
         "table.summary td { padding: 2px 14px 2px 0; } .note { color: #666; font-size: 13px; }\n"
         "svg { font-family: sans-serif; display: block; margin: 8px 0; }\n"
      << "</style>\n</head>\n<body>\n";
    s << "<h1>mosix run report</h1>\n<table class=\"summary\">\n";
    s << "<tr><td>program</td><td><code>" << escape(job.value("program", "")) << "</code></td></tr>\n";
    s << "<tr><td>ranks</td><td>" << job.value("ranks", 0LL) << " on " << job.value("pes", 0LL) << " PEs, "
      << r["hosts"].size() << " host" << (r["hosts"].size() == 1 ? "" : "s") << "</td></tr>\n";
    s << "<tr><td>duration</td><td>" << num(job.value("duration", 0.0), 2) << " s</td></tr>\n";
    s << "<tr><td>migrations</td><td id=\"migration-count\">" << r.value("migration_count", 0LL)
      << "</td></tr>\n";
    s << "<tr><td>messages</td><td>" << num(total_messages, 0) << " (" << bytes_text(total_bytes)
      << ")</td></tr>\n";
    s << "</table>\n";
    s << "<h2>Load of each PE over time</h2>\n<p class=\"note\">Filled: CPU-seconds per second its ranks "
         "used "
         "(a full strip is "
      << "the busiest moment); dashed: how many ranks it held. Red arrows: migrations, from the PE a rank "
         "left to the one it reached (hover for details).</p>\n";
    s << timeline_svg(r);
    s << "<h2>Communication between PEs</h2>\n<p class=\"note\">Bytes sent, row = sender, column = receiver "
         "(the diagonal: between ranks of one PE); log scale. Hover a cell for its messages and bytes.</p>\n";
    s << matrix_svg(r);
    s << "<script type=\"application/json\" id=\"mosix-report\">" << data << "</script>\n";
    s << "</body>\n</html>\n";
    return s.str();
}

std::string write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    if (out) out << text;
    if (out) out.close();
    if (!out) return "cannot write " + path + ": " + std::strerror(errno);
    return {};
}

}  // namespace

std::string report_json_path(const std::string& html_path) {
    if (html_path.size() > 5 && html_path.ends_with(".html"))
        return html_path.substr(0, html_path.size() - 5) + ".json";
    return html_path + ".json";
}

std::string write_run_report(const std::string& html_path, const JobStats& stats) {
    std::string text = stats.report();
    json r = json::parse(text);
    if (std::string why = write_file(report_json_path(html_path), text + "\n"); !why.empty()) return why;
    return write_file(html_path, page(r));
}

}  // namespace mosexec

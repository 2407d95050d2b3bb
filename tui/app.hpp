// The app: one libuv loop wiring the daemon client, the model, the mode
// machine, the views and the screen. Handlers only change state and mark the
// screen dirty; a prepare handle draws once per loop iteration when dirty.
// Timers run only while they have something to do (the spinner while an
// agent runs, the reconnect backoff while disconnected): idle CPU is zero.
// Loop thread only.
#pragma once

#include "ev/timer.hpp"
#include "tui/client.hpp"
#include "tui/loop_handles.hpp"
#include "tui/model.hpp"
#include "tui/modes.hpp"
#include "tui/screen.hpp"
#include "tui/views.hpp"

#include <string>

namespace fab::tui {

struct Options {
    long frames = -1; // exit after this many drawn frames (CI under sanitizers)
    std::string socket;
};

class App {
  public:
    App(uv_loop_t* loop, Screen& screen, Options opts);
    void start();
    long frames() const { return frames_; }

  private:
    void connect();
    void on_up();
    void on_down(const std::string& why);
    void on_event(const Json& ev);
    void on_keys();
    void apply(const Action& a);
    void draw();
    void after_change();
    Context context() const;
    void ensure_selection();
    void request_older(const std::string& id);
    void notify(const std::string& text, bool error = false);
    void select(const std::string& id);
    void quit();
    // The runs page (app_runs.cpp): run.list, and the events of the run
    // being read, asked again every second while the page is shown.
    void fetch_runs();
    void fetch_run_events(const std::string& id, bool fresh);
    void poll_runs();

    uv_loop_t* loop_;
    Screen& screen_;
    Options opts_;
    Model model_;
    Modes modes_;
    ViewState vs_;
    Canvas canvas_;
    Client client_;
    ev::Timer reconnect_, spinner_, clock_, runs_poll_;
    ev::Signal winch_, term_, hup_;
    Prepare prepare_;
    Poll input_;
    bool dirty_ = true;
    bool spinning_ = false;
    bool ticking_ = false;      // clock_ runs
    bool polling_runs_ = false; // runs_poll_ runs
    bool runs_in_flight_ = false, run_events_in_flight_ = false;
    bool quitting_ = false;
    long frames_ = 0;
    int backoff_ms_ = 500;
    int chat_width_ = 0; // the chat's text width in the last frame
    std::vector<const AgentInfo*> visible_;
    std::string history_failed_; // agent whose last page request failed
};

} // namespace fab::tui

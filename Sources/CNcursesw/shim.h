// ncursesw (Debian: libncurses-dev). SwiftPM drops pkg-config's -D flags, so wide-character
// support is switched on here. Function-like macros and C globals do not import into Swift 6;
// each one the explorer needs is wrapped below as a static inline function.
#ifndef NETDISSECT_CNCURSESW_SHIM_H
#define NETDISSECT_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <curses.h>
#include <term.h>
#include <langinfo.h>
#include <string.h>
#include <sys/ioctl.h>

static inline WINDOW *nd_stdscr(void) { return stdscr; }
static inline int nd_lines(void) { return LINES; }
static inline int nd_cols(void) { return COLS; }
static inline int nd_colors(void) { return COLORS; }
static inline int nd_color_pairs(void) { return COLOR_PAIRS; }
static inline int nd_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int nd_getmaxx(WINDOW *w) { return getmaxx(w); }

static inline attr_t nd_a_normal(void) { return A_NORMAL; }
static inline attr_t nd_a_bold(void) { return A_BOLD; }
static inline attr_t nd_a_dim(void) { return A_DIM; }
static inline attr_t nd_a_reverse(void) { return A_REVERSE; }
static inline attr_t nd_a_underline(void) { return A_UNDERLINE; }
static inline attr_t nd_a_italic(void) { return A_ITALIC; }
static inline attr_t nd_color_pair(int n) { return COLOR_PAIR(n); }

static inline mmask_t nd_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t nd_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t nd_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t nd_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t nd_button1_double_clicked(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t nd_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t nd_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline int nd_key_f(int n) { return KEY_F(n); }
static inline mmask_t nd_button_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t nd_button1_triple_clicked(void) { return BUTTON1_TRIPLE_CLICKED; }

/* Drawing: wattr_set and mvwaddnwstr are macros. The pair goes through the extended-colour
 * `opts` argument so that pair numbers above 32767 work. */
static inline int nd_attr_set(attr_t a, int pair) {
    return wattr_set(stdscr, a, (NCURSES_PAIRS_T)(pair < 32768 ? pair : 0), &pair);
}
static inline int nd_put(int y, int x, const wchar_t *s, int n) { return mvwaddnwstr(stdscr, y, x, s, n); }
static inline int nd_move(int y, int x) { return wmove(stdscr, y, x); }
static inline int nd_redraw_rows(int y, int n) { return wredrawln(stdscr, y, n); }
static inline int nd_clearok_all(void) { return clearok(curscr, TRUE); }
static inline int nd_get_wch(wint_t *c) { return wget_wch(stdscr, c); }

/* Whether the locale's character set (after setlocale) is UTF-8. */
static inline int nd_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* The terminal's size in cells and pixels (pixels are 0 when the terminal does not say). */
static inline int nd_winsize(int fd, int *rows, int *cols, int *xpixel, int *ypixel) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col; *xpixel = ws.ws_xpixel; *ypixel = ws.ws_ypixel;
    return 0;
}
#endif

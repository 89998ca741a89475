/*
 * banned.h — libc calls that are compile errors in heed.
 *
 * Included last by every heed source file (through util/common.h). These
 * functions either cannot bound their output (strcpy, sprintf, gets) or keep
 * hidden global state (strtok, localtime, gmtime, asctime, ctime). Use the
 * bounded or re-entrant forms: snprintf, memcpy with a known length,
 * strtok_r, gmtime_r, localtime_r.
 */
#ifndef HD_BANNED_H
#define HD_BANNED_H

#define HD_BANNED(func) sorry_##func##_is_banned_in_heed

#undef strcpy
#define strcpy(x, y) HD_BANNED(strcpy)
#undef strcat
#define strcat(x, y) HD_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) HD_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) HD_BANNED(strncat)
#undef sprintf
#define sprintf(...) HD_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) HD_BANNED(vsprintf)
#undef gets
#define gets(x) HD_BANNED(gets)
#undef strtok
#define strtok(x, y) HD_BANNED(strtok)
#undef gmtime
#define gmtime(t) HD_BANNED(gmtime)
#undef localtime
#define localtime(t) HD_BANNED(localtime)
#undef ctime
#define ctime(t) HD_BANNED(ctime)
#undef asctime
#define asctime(t) HD_BANNED(asctime)
#undef atoi
#define atoi(s) HD_BANNED(atoi)

#endif

# passagebot의 한국어 메시지입니다. 키는 en.ftl과 같아야 합니다(`bot::i18n::tests`).
# 텔레그램 `language_code`가 ko로 시작하는 사용자에게 보냅니다.

## /help, /start, /about, 명령어 메뉴

help-intro =
    질문을 편하게 보내 주시면 자료에서 가장 잘 맞는 구절로 답합니다. 핵심 문장은 굵게 표시하고 출처도 함께 알려 드립니다.
    그룹에서는 /ask 뒤에 질문을 쓰시거나, 저를 멘션하시거나, 제 답변에 답장해 주십시오.
    어느 채팅에서든 제 @이름 뒤에 질문을 입력하시면 답변을 골라 공유하실 수 있습니다.
cmd-start = 인사와 함께 예시 질문을 보여 드립니다.
cmd-help = 질문하는 방법과 명령어를 안내합니다.
cmd-ask = 질문합니다. 예: /ask 설치는 어떻게 합니까?
cmd-about = 제가 아는 내용(문서 수, 구절 수, 마지막 색인 시각)을 알려 드립니다.
cmd-reindex = (관리자) 자료로 색인을 다시 만듭니다.
cmd-stats = (관리자) 사용 통계를 보여 드립니다. 최근 30일 통계는 /stats 30 입니다.
cmd-allow = (관리자) 사용자(ID, 또는 그 사람의 메시지에 답장)나 그룹(-ID)이 봇을 이용할 수 있게 합니다.
cmd-deny = (관리자) 사용자나 그룹의 이용 권한을 거둡니다.
cmd-users = (관리자) 봇을 이용할 수 있는 사람을 보여 드립니다.
cmd-export = (관리자) 통계를 CSV 파일로 보내 드립니다. 질문과 의견이 담긴 평가, 답하지 못한 질문이 들어 있습니다.
start-greeting = 안녕하십니까! 자료에 관해 무엇이든 물어보시면 가장 잘 맞는 구절로 답하고, 핵심 문장은 굵게 표시하며 출처도 알려 드립니다.
start-examples = 예를 들어 이렇게 물어보실 수 있습니다:
start-more = 그 밖에 할 수 있는 일은 /help 에서 보실 수 있습니다.
join-welcome = 환영합니다. 이제 이용하실 수 있습니다!
join-failed = 죄송합니다. 저장하지 못했습니다. 잠시 후 다시 시도해 주십시오.
deep-link-missing = 그 구절은 그사이 바뀌었거나 지워져서 자료에 더 이상 없습니다. 질문을 다시 보내 주십시오.
about = 문서 { $documents }개를 구절 { $passages }개로 나누어 답합니다. 마지막 색인: { $when }.
about-unknown-time = 알 수 없음

## 질문

ask-empty = 명령어 뒤에 질문을 써 주십시오. 예: /ask 어떻게 시작합니까?
unknown-command = 모르는 명령어입니다. 질문을 글로 보내 주시거나 /help 를 확인해 주십시오.
text-only = 저는 글만 읽을 수 있습니다. 질문을 글로 보내 주십시오.
slow-down = 조금만 천천히 부탁드립니다. 1분에 답할 수 있는 질문 수를 넘었습니다. { $secs }초 후에 다시 시도해 주십시오.
search-failed = 죄송합니다. 검색 중에 색인에 문제가 생겨 지금은 답할 수 없습니다. 질문에 문제가 있는 것이 아니라 저의 문제이며, 관리자가 봇 로그에서 원인을 확인할 수 있습니다.
no-match = 자료에서 이 질문에 잘 맞는 내용을 찾지 못했습니다.
no-match-no-words = 질문에서 검색할 단어를 찾지 못했습니다. "주요 목표는 무엇입니까?"처럼 글로 질문해 주십시오.
did-you-mean = 혹시 이것을 찾으셨습니까: { $suggestion }
nearby-topics = 가장 가까운 주제: { $topics }.
busy-private = 아직 보내 드릴 답변이 남아 있습니다. 약 { $secs }초 후에 다시 질문해 주십시오.
busy-group = 지금 이 그룹에 질문이 많아, 텔레그램이 그룹에서 허용하는 속도로는 모두 답할 수 없습니다. 약 { $secs }초 후부터 새 질문을 다시 받겠습니다. 개인 채팅으로 질문하셔도 됩니다.

## 버튼과 의견

button-next = 다음 답변 ▸
button-context = 앞뒤 내용 보기
button-see-also = 관련 내용
button-share = 공유하기
see-also-heading = 관련 내용:
see-also-none = 이 내용과 관련된 다른 구절은 없습니다.
inline-no-match-title = 잘 맞는 답이 없습니다
inline-no-match-text = 자료에서 이 질문에 잘 맞는 내용을 찾지 못했습니다. 다른 말로 물어보시거나 채팅에서 질문해 주십시오.
button-expired = 이 버튼은 더 이상 작동하지 않습니다. 다시 질문해 주십시오.
passage-gone = 그 구절은 그사이 바뀌었거나 지워져서 자료에 더 이상 없습니다. 질문을 다시 보내 주십시오.
answer-position = 답변 { $position }/{ $total }
busy-context = 이 채팅에 다른 답변을 보내는 중입니다. 약 { $secs }초 후에 다시 시도해 주십시오.
vote-thanks = 의견 감사합니다!
comment-invite-private = 도움이 되지 못해 죄송합니다. 어떤 점이 잘못되었습니까? 원하시면 5분 안에 메시지 한 통으로 알려 주십시오. 관리자가 읽어 봅니다.
comment-invite-group = 도움이 되지 못해 죄송합니다. 어떤 점이 잘못되었습니까? 원하시면 5분 안에 이 메시지에 답장해 주십시오. 관리자가 읽어 봅니다.
comment-thanks = 감사합니다. 관리자에게 전달하겠습니다.

## 이용 권한

refused-short = 죄송합니다. 이 봇은 강좌 수강생만 이용할 수 있습니다.
refused-join-code = 죄송합니다. 이 봇은 강좌 수강생만 이용할 수 있습니다. 참여 코드나 링크를 받으셨다면 /start 뒤에 코드를 붙여 보내 주십시오. 그렇지 않다면 강좌 관리자에게 추가해 달라고 요청해 주십시오(사용자 ID: { $user }). 그때까지는 다시 답하지 않습니다.
refused-ask-admins = 죄송합니다. 이 봇은 강좌 수강생만 이용할 수 있습니다. 이용하시려면 강좌 관리자에게 추가해 달라고 요청해 주십시오(사용자 ID: { $user }). 그때까지는 다시 답하지 않습니다.

## 관리자 응답

not-admin = 죄송합니다. 이 작업은 봇 관리자만 할 수 있습니다.
access-usage = 사용법: /{ $verb } <사용자 ID>(거절된 사용자가 안내받은 번호), /{ $verb } <-그룹 ID>, 또는 누군가의 메시지에 /{ $verb } 로 답장합니다.
access-save-failed = 허용 목록을 저장하지 못해 아무것도 바뀌지 않았습니다. 원인은 로그에 있습니다.
who-user = 사용자 { $id }
who-chat = 채팅 { $id }의 구성원
allowed-open = { $who }에게 봇 이용을 허용했습니다(access = "allow-list"로 바꾸기 전까지는 누구나 이용할 수 있습니다).
allowed = { $who }에게 이제 봇 이용을 허용했습니다.
denied = { $who }의 봇 이용 권한을 거두었습니다(관리자는 언제나 이용할 수 있습니다).
users-listing =
    이용 방식: { $mode }
    사용자: { $users }
    채팅(구성원 허용): { $chats }
    거부: { $denied }

    /allow <ID> 또는 /deny <ID>(사용자 ID, 또는 그룹의 음수 ID)로 바꿉니다. 그룹에서는 누군가의 메시지에 /allow 또는 /deny 로 답장합니다.
users-mode-open = 공개: 누구나 이용할 수 있습니다(목록은 access = "allow-list"일 때 적용됩니다)
users-mode-allow-list = 허용 목록
users-none = 없음
reindex-running = 이미 다시 색인하는 중입니다. 끝나면 알려 드리겠습니다.
reindex-started = 다시 색인하는 중입니다… 그동안에는 지금 색인으로 계속 답합니다.
reindex-failed =
    다시 색인하지 못했습니다. 기존 색인을 그대로 사용합니다.
    원인: { $why }
reindexed = { $seconds }초 만에 다시 색인했습니다: 문서 { $documents }개, 구절 { $passages }개. 새 색인을 사용합니다.
reindex-skipped = 건너뛴 파일 { $count }개:
watch-reindexed = 다시 색인했습니다: { $changes }, 구절 { $passages }개
watch-failed =
    자료가 바뀌어({ $changes }) 다시 색인하려 했지만 실패했습니다. 기존 색인을 그대로 사용합니다.
    원인: { $why }
changes-added = 파일 { $count }개 추가
changes-changed = 파일 { $count }개 변경
changes-removed = 파일 { $count }개 삭제
stats-usage = 사용법: /stats 또는 /stats <일수>, 예: /stats 30
stats-memory-only = (통계 데이터베이스를 쓸 수 없어 봇이 시작된 뒤로 메모리에서만 집계했습니다. 로그를 확인해 주십시오.)
stats-summary =
    최근 { $days }일:
    질문: { $questions }
    답변: { $answered }
    맞는 내용 없음: { $nomatch } ({ $rate }%)
    👍 { $up }  👎 { $down }
    응답 시간: p50 { $p50 } ms, p95 { $p95 } ms
stats-top-unanswered = 답하지 못한 질문(많이 물은 순):
stats-most-down = 👎가 많은 구절:
stats-asked = 질문
stats-said = 의견

## 채팅으로 자료 추가 (관리자가 개인 채팅에서 문서를 보냄)

upload-not-admin = 파일 감사합니다. 다만 자료는 이 봇의 관리자만 추가할 수 있습니다. 이 자료가 필요하다면 관리자에게 요청해 주세요. 그동안 질문은 글로 보내 주시면 됩니다.
upload-no-extension = 파일 이름에 확장자가 없어 어떤 파일인지 알 수 없습니다. notes.pdf 처럼 이름을 붙여 다시 보내 주세요.
upload-unsupported = .{ $ext } 파일은 추가할 수 없습니다. PDF, DOCX, PPTX, EPUB, ODT, TXT, Markdown, HTML 파일을 읽습니다.
upload-too-large = { $name } 파일은 { $size } MB입니다. 채팅으로는 { $limit } MB까지 추가할 수 있습니다(텔레그램의 봇 제한). 아무것도 저장하지 않았습니다. 더 큰 파일은 서버의 코퍼스 폴더에 넣어 주세요.
upload-no-folder = 코퍼스가 폴더가 아닌 파일 하나라서 채팅으로 파일을 추가할 수 없습니다. 아무것도 저장하지 않았습니다.
upload-reading = { $name } 파일을 받았습니다. 읽는 중입니다…
upload-download-failed = 텔레그램에서 { $name } 파일을 내려받지 못해 아무것도 저장하지 않았습니다. 다시 보내 주세요.
upload-unreadable =
    { $name } 파일에서 구절을 찾지 못해 아무것도 저장하지 않았습니다.
    원인: { $why }
upload-save-failed =
    { $name } 파일을 코퍼스에 저장하지 못해 아무것도 바뀌지 않았습니다.
    원인: { $why }
upload-exists = 코퍼스에 이미 { $name } 파일이 있습니다. 이 파일로 바꿀까요, 아니면 둘 다 둘까요(이 파일은 새 이름으로 저장)?
button-upload-replace = 바꾸기
button-upload-keep-both = 둘 다 두기
button-upload-cancel = 취소
upload-cancelled = 취소했습니다. 아무것도 추가하지 않았습니다.
upload-expired = 이 선택은 만료되었거나 이미 처리되었습니다. 추가하려면 파일을 다시 보내 주세요.
upload-reindex-failed =
    { $name } 파일은 남기지 않았습니다. 이 파일을 넣어 다시 색인하지 못해 기존 색인을 그대로 사용합니다.
    원인: { $why }
upload-added = { $name } 파일을 추가했습니다: 구절 { $passages }개. 새 색인을 사용합니다.
upload-examples = 이제 이런 질문에 답합니다:
upload-no-examples = 이 파일의 구절이 분명히 답하는 예시 질문은 아직 찾지 못했습니다. 제목에 나오는 내용을 물어보세요.

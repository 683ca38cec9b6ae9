// Every notification the service sends, per event and language (DESIGN §8).
//
// SMS in India must match a text registered on the operators' DLT platform, word for word, with variables only in
// `{#var#}` slots of at most 30 characters; a message that does not match is dropped without a word. So each SMS
// here is a fixed text with its DLT template id, and the slots are filled in order. Email and push reuse the same
// sentence (without the sign-off), so the three channels never say different things.
//
// The template ids below are the ones this repository registers for itself in its test data; a district that
// registers these texts on DLT replaces each id with the one the operator issued (the text must stay as it is).
//
// Length: an SMS is one segment up to 160 GSM-7 characters (153 per part when split) or 70 UCS-2 characters (67 per
// part); any Bengali or Hindi character makes the whole text UCS-2. test/unit/notification-templates.test.ts fills
// every slot to its limit and fails if any text needs more than two segments.
import type { Lang } from '../../i18n/index.ts';

export const events = [
  'received',
  'sent_for_enquiry',
  'enquiry_completed',
  'sent_back',
  'approved',
  'rejected',
  'collected',
  'certificate_revoked',
  'reminder',
  'escalation',
  'new_work',
  'status_reply',
  'help',
  'short_help',
  'invalid_ain',
  'not_found',
  // A number that texts more than SMS_INBOUND_PER_HOUR times an hour is told once, then not answered (sms/inbound.ts).
  'too_many_messages',
  'welcome',
  'recovery_code',
  'status_reply_open',
  'status_reply_rejected',
  'status_reply_sent_back',
  'status_reply_revoked',
  // Issue 13: the code a counter asks for before printing, and the appeals under the RTPS Act.
  'counter_code',
  'appeal_filed',
  'appeal_decided',
  'appeal_to_decide',
  // One message for many: an officer with more new breaches or reminders in one sweep than SLA_DIGEST_AFTER hears
  // of them together (api/sla/sweeper.ts), so a backlog is one SMS to the DM, not thousands.
  'escalation_digest',
  'l1_escalation_digest',
  'reminder_digest'
] as const;
export type NotificationEvent = (typeof events)[number];

/** The values a slot can carry, each with its length limit (DLT allows 30 characters per variable). */
export const slots = {
  ain: 14,
  date: 10,
  due: 10,
  certificateNo: 21,
  remarks: 30,
  reason: 30,
  status: 30,
  step: 30,
  office: 30,
  userId: 10,
  password: 16,
  hours: 3,
  code: 6,
  count: 6,
  minutes: 3
} as const;
export type Slot = keyof typeof slots;
export type SlotValues = Partial<Record<Slot, string>>;

/** Slots whose value is typed by a person, so may be in any script whatever the message's language. (Office
 * names come from the offices table in the message's language, or in English.) */
export const freeTextSlots: readonly Slot[] = ['remarks'];

export interface SmsTemplate {
  /** The DLT template id (12–19 digits). */
  id: string;
  text: string;
  vars: readonly Slot[];
}

type PerLang<T> = Record<Lang, T>;

interface EventTemplates {
  subject: PerLang<string>;
  sms: PerLang<Omit<SmsTemplate, 'vars'>>;
  vars: readonly Slot[];
}

const SIGN_OFF: PerLang<string> = { en: ' -eDistrict WB', bn: ' -ই-ডিস্ট্রিক্ট', hi: ' -ई-डिस्ट्रिक्ट' };

export const templates: Record<NotificationEvent, EventTemplates> = {
  received: {
    vars: ['ain', 'date', 'due'],
    subject: { en: 'Application received', bn: 'আবেদন গৃহীত', hi: 'आवेदन प्राप्त' },
    sms: {
      en: { id: '1107170000000000104', text: 'Your application {#var#} for the Ordinary Residential Certificate was received on {#var#}. Decision expected by {#var#}.' },
      bn: { id: '1107170000000000105', text: 'সাধারণ বাসিন্দা শংসাপত্রের আবেদন {#var#} {#var#} তারিখে জমা হয়েছে। সিদ্ধান্ত {#var#} এর মধ্যে।' },
      hi: { id: '1107170000000000106', text: 'सामान्य निवासी प्रमाणपत्र का आवेदन {#var#} {#var#} को प्राप्त हुआ। निर्णय {#var#} तक अपेक्षित।' }
    }
  },
  sent_for_enquiry: {
    vars: ['ain'],
    subject: { en: 'Field enquiry', bn: 'সরেজমিন তদন্ত', hi: 'स्थल जाँच' },
    sms: {
      en: { id: '1107170000000000111', text: 'Application {#var#} has been sent for field enquiry. An Enquiry Officer may visit your address.' },
      bn: { id: '1107170000000000112', text: 'আবেদন {#var#} সরেজমিন তদন্তে পাঠানো হয়েছে। তদন্তকারী আধিকারিক আপনার ঠিকানায় আসতে পারেন।' },
      hi: { id: '1107170000000000113', text: 'आवेदन {#var#} स्थल जाँच के लिए भेजा गया है। जाँच अधिकारी आपके पते पर आ सकते हैं।' }
    }
  },
  enquiry_completed: {
    vars: ['ain'],
    subject: { en: 'Field enquiry done', bn: 'তদন্ত শেষ', hi: 'जाँच पूरी' },
    sms: {
      en: { id: '1107170000000000121', text: 'The field enquiry for application {#var#} is complete. It now awaits the BDO\'s decision.' },
      bn: { id: '1107170000000000122', text: 'আবেদন {#var#} এর সরেজমিন তদন্ত শেষ। এখন বিডিও-র সিদ্ধান্তের অপেক্ষা।' },
      hi: { id: '1107170000000000123', text: 'आवेदन {#var#} की स्थल जाँच पूरी हुई। अब बीडीओ के निर्णय की प्रतीक्षा है।' }
    }
  },
  sent_back: {
    vars: ['ain', 'remarks'],
    subject: { en: 'Correction needed', bn: 'সংশোধন দরকার', hi: 'सुधार आवश्यक' },
    sms: {
      en: { id: '1107170000000000134', text: 'Application {#var#} sent back: {#var#}. Full remarks: tracking page. Correct and resubmit.' },
      bn: { id: '1107170000000000135', text: 'আবেদন {#var#} ফেরত: {#var#}। পুরো মন্তব্য ট্র্যাকিং পাতায়; সংশোধন করে জমা দিন।' },
      hi: { id: '1107170000000000136', text: 'आवेदन {#var#} लौटाया: {#var#}। पूरी टिप्पणी ट्रैकिंग पेज पर; सुधार कर जमा करें।' }
    }
  },
  approved: {
    vars: ['ain', 'certificateNo'],
    subject: { en: 'Certificate approved', bn: 'শংসাপত্র অনুমোদিত', hi: 'प्रमाणपत्र स्वीकृत' },
    sms: {
      en: { id: '1107170000000000141', text: 'Application {#var#} is approved: certificate {#var#}. Download it online or collect it at the counter.' },
      bn: { id: '1107170000000000142', text: 'আবেদন {#var#} অনুমোদিত, শংসাপত্র {#var#}। অনলাইনে নিন বা কাউন্টার থেকে সংগ্রহ করুন।' },
      hi: { id: '1107170000000000143', text: 'आवेदन {#var#} स्वीकृत, प्रमाणपत्र {#var#}। ऑनलाइन लें या काउंटर से प्राप्त करें।' }
    }
  },
  rejected: {
    vars: ['ain', 'reason'],
    subject: { en: 'Application rejected', bn: 'আবেদন বাতিল', hi: 'आवेदन अस्वीकृत' },
    sms: {
      en: { id: '1107170000000000151', text: 'Application {#var#} was rejected. Reason: {#var#}. You may apply again with the right documents.' },
      bn: { id: '1107170000000000152', text: 'আবেদন {#var#} বাতিল হয়েছে। কারণ: {#var#}। সঠিক কাগজ দিয়ে আবার আবেদন করা যায়।' },
      hi: { id: '1107170000000000153', text: 'आवेदन {#var#} अस्वीकृत हुआ। कारण: {#var#}। सही दस्तावेज़ों के साथ फिर आवेदन कर सकते हैं।' }
    }
  },
  collected: {
    vars: ['ain', 'date'],
    subject: { en: 'Certificate collected', bn: 'শংসাপত্র সংগৃহীত', hi: 'प्रमाणपत्र प्राप्त' },
    sms: {
      en: { id: '1107170000000000161', text: 'The certificate for application {#var#} was handed over on {#var#}.' },
      bn: { id: '1107170000000000162', text: 'আবেদন {#var#} এর শংসাপত্র {#var#} তারিখে হাতে দেওয়া হয়েছে।' },
      hi: { id: '1107170000000000163', text: 'आवेदन {#var#} का प्रमाणपत्र {#var#} को सौंप दिया गया।' }
    }
  },
  certificate_revoked: {
    vars: ['certificateNo', 'ain', 'date'],
    subject: { en: 'Certificate revoked', bn: 'শংসাপত্র প্রত্যাহৃত', hi: 'प्रमाणपत्र रद्द' },
    sms: {
      en: { id: '1107170000000000264', text: 'Certificate {#var#} (application {#var#}) was revoked by the District Magistrate on {#var#}. It is no longer valid.' },
      bn: { id: '1107170000000000265', text: 'শংসাপত্র {#var#} (আবেদন {#var#}) জেলাশাসক {#var#} তারিখে প্রত্যাহার করেছেন। এটি আর বৈধ নয়।' },
      hi: { id: '1107170000000000266', text: 'प्रमाणपत्र {#var#} (आवेदन {#var#}) ज़िलाधिकारी ने {#var#} को रद्द किया। यह अब मान्य नहीं है।' }
    }
  },
  reminder: {
    vars: ['ain', 'step', 'due'],
    subject: { en: 'Due soon', bn: 'সময়সীমা আসন্ন', hi: 'समय सीमा निकट' },
    sms: {
      en: { id: '1107170000000000171', text: 'Reminder: application {#var#} needs {#var#} by {#var#}.' },
      bn: { id: '1107170000000000172', text: 'মনে করাই: আবেদন {#var#} এর {#var#} {#var#} এর মধ্যে বাকি।' },
      hi: { id: '1107170000000000173', text: 'अनुस्मारक: आवेदन {#var#} का {#var#} {#var#} तक बाकी है।' }
    }
  },
  escalation: {
    vars: ['ain', 'office', 'step', 'due'],
    subject: { en: 'Escalation: time limit missed', bn: 'সময়সীমা পেরিয়েছে', hi: 'समय सीमा पार' },
    sms: {
      en: { id: '1107170000000000181', text: 'Escalation: application {#var#} of {#var#} missed {#var#} due on {#var#}.' },
      bn: { id: '1107170000000000182', text: 'এসক্যালেশন: {#var#}, {#var#}: {#var#}, শেষ তারিখ {#var#}।' },
      hi: { id: '1107170000000000183', text: 'एस्केलेशन: {#var#}, {#var#}: {#var#}, अंतिम तिथि {#var#}।' }
    }
  },
  new_work: {
    vars: ['ain', 'step', 'due'],
    subject: { en: 'New work', bn: 'নতুন কাজ', hi: 'नया कार्य' },
    sms: {
      en: { id: '1107170000000000191', text: 'New work: application {#var#} needs {#var#} by {#var#}.' },
      bn: { id: '1107170000000000192', text: 'নতুন কাজ: আবেদন {#var#} এর {#var#} {#var#} এর মধ্যে।' },
      hi: { id: '1107170000000000193', text: 'नया कार्य: आवेदन {#var#} का {#var#} {#var#} तक।' }
    }
  },
  status_reply: {
    vars: ['ain', 'status', 'office', 'date'],
    subject: { en: 'Application status', bn: 'আবেদনের অবস্থা', hi: 'आवेदन की स्थिति' },
    sms: {
      en: { id: '1107170000000000201', text: 'Application {#var#}: {#var#}. Office: {#var#}. Last change {#var#}.' },
      bn: { id: '1107170000000000202', text: 'আবেদন {#var#}: {#var#}। অফিস: {#var#}। শেষ বদল {#var#}।' },
      hi: { id: '1107170000000000203', text: 'आवेदन {#var#}: {#var#}। कार्यालय: {#var#}। अंतिम बदलाव {#var#}।' }
    }
  },
  help: {
    vars: [],
    subject: { en: 'Help', bn: 'সাহায্য', hi: 'सहायता' },
    sms: {
      en: { id: '1107170000000000211', text: 'To know the status of an application, send STATUS and its 14-digit AIN, for example STATUS 26110020000176. Spaces and dashes are fine.' },
      bn: { id: '1107170000000000212', text: 'আবেদনের অবস্থা জানতে STATUS লিখে ১৪ অঙ্কের AIN পাঠান, যেমন STATUS 26110020000176।' },
      hi: { id: '1107170000000000213', text: 'आवेदन की स्थिति जानने के लिए STATUS और 14 अंकों का AIN भेजें, जैसे STATUS 26110020000176।' }
    }
  },
  short_help: {
    vars: [],
    subject: { en: 'Help', bn: 'সাহায্য', hi: 'सहायता' },
    sms: {
      en: { id: '1107170000000000221', text: 'Send STATUS and your AIN to know your application\'s status. Send HELP for more.' },
      bn: { id: '1107170000000000222', text: 'অবস্থা জানতে STATUS ও আপনার AIN পাঠান। আরও জানতে HELP পাঠান।' },
      hi: { id: '1107170000000000223', text: 'स्थिति जानने के लिए STATUS और अपना AIN भेजें। अधिक जानकारी के लिए HELP भेजें।' }
    }
  },
  invalid_ain: {
    vars: [],
    subject: { en: 'AIN not valid', bn: 'AIN সঠিক নয়', hi: 'AIN सही नहीं' },
    sms: {
      en: { id: '1107170000000000231', text: 'That AIN is not valid. Check its 14 digits on your receipt and send STATUS and the AIN again.' },
      bn: { id: '1107170000000000232', text: 'এই AIN সঠিক নয়। রসিদে ১৪ অঙ্ক মিলিয়ে আবার STATUS ও AIN পাঠান।' },
      hi: { id: '1107170000000000233', text: 'यह AIN सही नहीं है। रसीद पर 14 अंक जाँचकर फिर STATUS और AIN भेजें।' }
    }
  },
  not_found: {
    vars: ['ain'],
    subject: { en: 'Not found', bn: 'পাওয়া যায়নি', hi: 'नहीं मिला' },
    sms: {
      en: { id: '1107170000000000241', text: 'No application was found with AIN {#var#}. Check the number on your receipt.' },
      bn: { id: '1107170000000000242', text: 'AIN {#var#} এর কোনো আবেদন পাওয়া যায়নি। রসিদের নম্বর মিলিয়ে দেখুন।' },
      hi: { id: '1107170000000000243', text: 'AIN {#var#} का कोई आवेदन नहीं मिला। रसीद पर नंबर जाँचें।' }
    }
  },
  welcome: {
    vars: ['userId', 'password', 'hours'],
    subject: { en: 'Your e-District account', bn: 'আপনার ই-ডিস্ট্রিক্ট অ্যাকাউন্ট', hi: 'आपका ई-डिस्ट्रिक्ट खाता' },
    sms: {
      en: { id: '1107170000000000251', text: 'Your e-District user ID is {#var#} and one-time password {#var#}. Log in and set your own password within {#var#} hours.' },
      bn: { id: '1107170000000000252', text: 'ই-ডিস্ট্রিক্ট আইডি {#var#}, এককালীন পাসওয়ার্ড {#var#}। {#var#} ঘণ্টার মধ্যে লগ ইন করে পাসওয়ার্ড বদলান।' },
      hi: { id: '1107170000000000253', text: 'ई-डिस्ट्रिक्ट यूज़र आईडी {#var#}, एक बार का पासवर्ड {#var#}। {#var#} घंटे में लॉग इन कर अपना पासवर्ड बनाएँ।' }
    }
  },
  // Answers to "STATUS <AIN>" (DESIGN §12): the expected decision date while it is open, the coded reason of a
  // rejection, the send-back's remarks with where to read the rest, and a revocation with its date.
  status_reply_open: {
    vars: ['ain', 'status', 'office', 'due'],
    subject: { en: 'Application status', bn: 'আবেদনের অবস্থা', hi: 'आवेदन की स्थिति' },
    sms: {
      en: { id: '1107170000000000411', text: 'Application {#var#}: {#var#}. Office: {#var#}. Decision expected by {#var#}.' },
      bn: { id: '1107170000000000412', text: 'আবেদন {#var#}: {#var#}। {#var#}। সিদ্ধান্ত {#var#} এর মধ্যে।' },
      hi: { id: '1107170000000000413', text: 'आवेदन {#var#}: {#var#}। कार्यालय: {#var#}। निर्णय {#var#} तक।' }
    }
  },
  status_reply_rejected: {
    vars: ['ain', 'date', 'reason'],
    subject: { en: 'Application rejected', bn: 'আবেদন বাতিল', hi: 'आवेदन अस्वीकृत' },
    sms: {
      en: { id: '1107170000000000421', text: 'Application {#var#} was rejected on {#var#}. Reason: {#var#}. Full reasons on the tracking page.' },
      bn: { id: '1107170000000000422', text: 'আবেদন {#var#} {#var#} তারিখে বাতিল। কারণ: {#var#}। বিস্তারিত ট্র্যাকিং পাতায়।' },
      hi: { id: '1107170000000000423', text: 'आवेदन {#var#} {#var#} को अस्वीकृत। कारण: {#var#}। विवरण ट्रैकिंग पेज पर।' }
    }
  },
  status_reply_sent_back: {
    vars: ['ain', 'date', 'remarks'],
    subject: { en: 'Correction needed', bn: 'সংশোধন দরকার', hi: 'सुधार आवश्यक' },
    sms: {
      en: { id: '1107170000000000431', text: 'Application {#var#} sent back {#var#}: {#var#}. Full remarks: tracking page.' },
      bn: { id: '1107170000000000432', text: 'আবেদন {#var#} {#var#} তারিখে ফেরত: {#var#}। পুরো মন্তব্য ট্র্যাকিং পাতায়।' },
      hi: { id: '1107170000000000433', text: 'आवेदन {#var#} {#var#} को लौटाया: {#var#}। पूरी टिप्पणी ट्रैकिंग पेज पर।' }
    }
  },
  status_reply_revoked: {
    vars: ['certificateNo', 'ain', 'date'],
    subject: { en: 'Certificate revoked', bn: 'শংসাপত্র প্রত্যাহৃত', hi: 'प्रमाणपत्र रद्द' },
    sms: {
      en: { id: '1107170000000000441', text: 'Certificate {#var#} (application {#var#}) was revoked on {#var#}. It is no longer valid.' },
      bn: { id: '1107170000000000442', text: 'শংসাপত্র {#var#} (আবেদন {#var#}) {#var#} তারিখে প্রত্যাহৃত। এটি আর বৈধ নয়।' },
      hi: { id: '1107170000000000443', text: 'प्रमाणपत्र {#var#} (आवेदन {#var#}) {#var#} को रद्द। यह अब मान्य नहीं है।' }
    }
  },
  // Account recovery (DESIGN §12). Sent at once, never through the outbox: it carries a secret.
  recovery_code: {
    vars: ['code', 'minutes'],
    subject: { en: 'Recover your account', bn: 'অ্যাকাউন্ট পুনরুদ্ধার', hi: 'खाता पुनः प्राप्त करें' },
    sms: {
      en: { id: '1107170000000000401', text: 'Your e-District recovery code is {#var#}. It works once, for {#var#} minutes. Do not share it with anyone.' },
      bn: { id: '1107170000000000402', text: 'ই-ডিস্ট্রিক্ট পুনরুদ্ধার কোড {#var#}। একবারই, {#var#} মিনিট চলবে। কাউকে বলবেন না।' },
      hi: { id: '1107170000000000403', text: 'ई-डिस्ट्रिक्ट पुनर्प्राप्ति कोड {#var#}। एक बार, {#var#} मिनट तक मान्य। किसी को न बताएँ।' }
    }
  },
  counter_code: {
    vars: ['password', 'ain'],
    subject: { en: 'Code to print your certificate', bn: 'শংসাপত্র ছাপার কোড', hi: 'प्रमाणपत्र छापने का कोड' },
    sms: {
      en: { id: '1107170000000000271', text: 'Code {#var#} lets the counter print the certificate of application {#var#}. Give it only at the counter you are at.' },
      bn: { id: '1107170000000000272', text: 'কোড {#var#}: আবেদন {#var#} এর শংসাপত্র কাউন্টারে ছাপার জন্য। শুধু যে কাউন্টারে আছেন সেখানেই দিন।' },
      hi: { id: '1107170000000000273', text: 'कोड {#var#}: आवेदन {#var#} का प्रमाणपत्र काउंटर पर छापने के लिए। केवल उसी काउंटर पर दें जहाँ आप हैं।' }
    }
  },
  appeal_filed: {
    vars: ['ain', 'office', 'due'],
    subject: { en: 'Appeal filed', bn: 'আপিল দাখিল', hi: 'अपील दायर' },
    sms: {
      en: { id: '1107170000000000281', text: 'Appeal on application {#var#} filed before {#var#}. The order is due by {#var#}.' },
      bn: { id: '1107170000000000282', text: 'আবেদন {#var#} এর আপিল {#var#} এর কাছে দাখিল হয়েছে। আদেশ {#var#} এর মধ্যে।' },
      hi: { id: '1107170000000000283', text: 'आवेदन {#var#} की अपील {#var#} के समक्ष दायर। आदेश {#var#} तक।' }
    }
  },
  appeal_decided: {
    vars: ['ain', 'status', 'date'],
    subject: { en: 'Appeal decided', bn: 'আপিলের আদেশ', hi: 'अपील पर आदेश' },
    sms: {
      en: { id: '1107170000000000291', text: 'The appeal on application {#var#} was {#var#} on {#var#}. See the order online.' },
      bn: { id: '1107170000000000292', text: 'আবেদন {#var#} এর আপিল {#var#}, {#var#}। আদেশ অনলাইনে।' },
      hi: { id: '1107170000000000293', text: 'आवेदन {#var#} की अपील {#var#}, {#var#}। आदेश ऑनलाइन।' }
    }
  },
  appeal_to_decide: {
    vars: ['ain', 'due'],
    subject: { en: 'Appeal to decide', bn: 'আপিলের সিদ্ধান্ত বাকি', hi: 'अपील पर निर्णय बाकी' },
    sms: {
      en: { id: '1107170000000000301', text: 'An appeal on application {#var#} awaits your order, due by {#var#}.' },
      bn: { id: '1107170000000000302', text: 'আবেদন {#var#} এর আপিলে আপনার আদেশ বাকি, {#var#} এর মধ্যে।' },
      hi: { id: '1107170000000000303', text: 'आवेदन {#var#} की अपील पर आपका आदेश बाकी, {#var#} तक।' }
    }
  },
  // `office` is the office's name when every application is of one, else how many offices (officesWord below).
  escalation_digest: {
    vars: ['count', 'office', 'due'],
    subject: { en: 'Escalation: time limits missed', bn: 'সময়সীমা পেরিয়েছে', hi: 'समय सीमा पार' },
    sms: {
      en: { id: '1107170000000000451', text: 'Escalation: {#var#} applications in {#var#} missed their time limits, the first due on {#var#}.' },
      bn: { id: '1107170000000000452', text: 'এসক্যালেশন: {#var#}টি আবেদন ({#var#}) সময়সীমা পেরিয়েছে, প্রথমটির শেষ তারিখ {#var#}।' },
      hi: { id: '1107170000000000453', text: 'एस्केलेशन: {#var#} आवेदन ({#var#}) समय सीमा पार, सबसे पहली अंतिम तिथि {#var#}।' }
    }
  },
  // The L1 officer's own time passed as well (to the DM and the administrator): said apart, since a DM can get both
  // digests from one sweep.
  l1_escalation_digest: {
    vars: ['count', 'office', 'due'],
    subject: { en: 'Escalation: L1 time limits missed', bn: 'L1 সময়সীমাও পেরিয়েছে', hi: 'L1 समय सीमा भी पार' },
    sms: {
      en: { id: '1107170000000000471', text: "Escalation: {#var#} applications in {#var#} are past the L1 officer's time limit too, the first due on {#var#}." },
      bn: { id: '1107170000000000472', text: 'এসক্যালেশন: {#var#}টি আবেদন ({#var#}) L1 সময়সীমাও পেরিয়েছে, প্রথমটির শেষ তারিখ {#var#}।' },
      hi: { id: '1107170000000000473', text: 'एस्केलेशन: {#var#} आवेदन ({#var#}) L1 समय सीमा भी पार, सबसे पहली अंतिम तिथि {#var#}।' }
    }
  },
  too_many_messages: {
    vars: [],
    subject: { en: 'Replies paused', bn: 'উত্তর সাময়িকভাবে বন্ধ', hi: 'उत्तर रोके गए' },
    sms: {
      en: { id: '1107170000000000481', text: 'Many messages have come from this number in the last hour, so replies are paused. Please send again after an hour.' },
      bn: { id: '1107170000000000482', text: 'গত এক ঘণ্টায় এই নম্বর থেকে অনেক বার্তা এসেছে, তাই আপাতত উত্তর দেওয়া বন্ধ আছে। এক ঘণ্টা পরে আবার পাঠান।' },
      hi: { id: '1107170000000000483', text: 'पिछले एक घंटे में इस नंबर से बहुत सारे संदेश आए हैं, इसलिए अभी उत्तर रोक दिए गए हैं। एक घंटे बाद फिर भेजें।' }
    }
  },
  reminder_digest: {
    vars: ['count', 'office', 'due'],
    subject: { en: 'Due soon', bn: 'সময়সীমা আসন্ন', hi: 'समय सीमा निकट' },
    sms: {
      en: { id: '1107170000000000461', text: 'Reminder: {#var#} applications in {#var#} need action by {#var#}.' },
      bn: { id: '1107170000000000462', text: 'মনে করাই: {#var#}টি আবেদন ({#var#}) {#var#} এর মধ্যে বাকি।' },
      hi: { id: '1107170000000000463', text: 'अनुस्मारक: {#var#} आवेदन ({#var#}) {#var#} तक बाकी हैं।' }
    }
  }
};

/** The `office` slot: the office's own name, in Bengali for a Bengali message and in English otherwise. */
export const officeName = (office: { nameEn: string; nameBn: string }, lang: Lang): string => (lang === 'bn' ? office.nameBn : office.nameEn);

/** The `office` slot of a digest that spans several offices. */
export const officesWord: PerLang<(n: number) => string> = {
  en: (n) => `${n} offices`,
  bn: (n) => `${n}টি অফিস`,
  hi: (n) => `${n} कार्यालय`
};

/** The SMS as registered: its sentence and the sign-off. */
export function smsTemplate(event: NotificationEvent, lang: Lang): SmsTemplate {
  const t = templates[event];
  return { id: t.sms[lang].id, text: t.sms[lang].text + SIGN_OFF[lang], vars: t.vars };
}

/**
 * A value cut to its slot, never in the middle of a word (DESIGN §12: "Residence certificate photo is" read as a
 * whole remark): what does not fit is dropped at the last space, and "…" says that something was.
 */
export function clip(value: string, max: number): string {
  const text = value.replace(/\s+/g, ' ').trim();
  // A character is one or two UTF-16 units, so a text no longer in units than the slot fits as it is, without
  // splitting it into characters (the sweeper fills thousands of slots at once).
  if (text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  // "…" is not in GSM-7 and would turn an English SMS into UCS-2 (70 characters a part instead of 160).
  const ellipsis = chars.every((c) => c <= '\u007f') ? '...' : '…';
  const room = max - ellipsis.length;
  const head = chars.slice(0, room).join('');
  // A word that ends exactly where the room does is whole.
  const space = chars[room] === ' ' ? head.length : head.lastIndexOf(' ');
  // One word longer than the slot (a number, say) has nowhere else to break.
  return (space > 0 ? head.slice(0, space).replace(/[\s,;:.\-–—।]+$/u, '') : head) + ellipsis;
}

// Each text split at its slots once: the sweeper fills tens of thousands of messages in one sweep.
const pieces = new Map<string, readonly string[]>();

function fill(text: string, vars: readonly Slot[], values: SlotValues): string {
  let parts = pieces.get(text);
  if (!parts) pieces.set(text, (parts = text.split('{#var#}')));
  let filled = parts[0]!;
  for (let i = 1; i < parts.length; i++) {
    const slot = vars[i - 1]!;
    filled += clip(values[slot] ?? '', slots[slot]) + parts[i]!;
  }
  return filled;
}

export interface RenderedMessage {
  templateId: string;
  /** The SMS as sent. */
  sms: string;
  /** The same sentence without the sign-off, for push and email. */
  sentence: string;
  subject: string;
}

export function render(event: NotificationEvent, lang: Lang, values: SlotValues): RenderedMessage {
  const t = templates[event];
  const sentence = fill(t.sms[lang].text, t.vars, values);
  return { templateId: t.sms[lang].id, sms: sentence + SIGN_OFF[lang], sentence, subject: t.subject[lang] };
}

/** Short forms that fit a slot: a rejection reason in an SMS (the full wording is on the tracking page). */
export const smsReasons: Record<string, PerLang<string>> = {
  documents_insufficient: { en: 'Documents do not prove it', bn: 'কাগজপত্র যথেষ্ট নয়', hi: 'दस्तावेज़ पर्याप्त नहीं' },
  not_resident: { en: 'Not resident at the address', bn: 'ঠিকানায় বাসিন্দা নন', hi: 'पते पर निवासी नहीं' },
  false_information: { en: 'False information', bn: 'তথ্য মিথ্যা', hi: 'जानकारी गलत' },
  duplicate: { en: 'Duplicate application', bn: 'একই আবেদন আগেও হয়েছে', hi: 'दोहरा आवेदन' },
  other: { en: 'See the tracking page', bn: 'ট্র্যাকিং পাতায় দেখুন', hi: 'ट्रैकिंग पेज देखें' }
};

/** What an officer is asked to do, for new work, reminders and escalations. */
export const steps: Record<'scrutiny' | 'enquiry' | 'decision', PerLang<string>> = {
  scrutiny: { en: 'scrutiny', bn: 'যাচাই', hi: 'जाँच-पड़ताल' },
  enquiry: { en: 'field enquiry', bn: 'সরেজমিন তদন্ত', hi: 'स्थल जाँच' },
  decision: { en: 'a decision', bn: 'সিদ্ধান্ত', hi: 'निर्णय' }
};
export type Step = keyof typeof steps;

/** The frame of an email around the sentence: greeting, link and footer (the state's service: one for every district). */
export const emailFrame: PerLang<{ greeting: string; link: string; footer: string }> = {
  en: { greeting: 'Dear {name},', link: 'See it online: {url}', footer: 'e-District, Government of West Bengal. This message was sent automatically; please do not reply.' },
  bn: { greeting: 'প্রিয় {name},', link: 'অনলাইনে দেখুন: {url}', footer: 'ই-ডিস্ট্রিক্ট, পশ্চিমবঙ্গ সরকার। এই বার্তা স্বয়ংক্রিয়ভাবে পাঠানো; উত্তর দেবেন না।' },
  hi: { greeting: 'प्रिय {name},', link: 'ऑनलाइन देखें: {url}', footer: 'ई-डिस्ट्रिक्ट, पश्चिम बंगाल सरकार। यह संदेश अपने आप भेजा गया है; कृपया उत्तर न दें।' }
};

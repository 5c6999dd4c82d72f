import type { Language } from "../core/messages.js";

/**
 * Every sentence a user receives by mail, in each language the service
 * serves, written for this service. The mails' layout (which sentence goes
 * where) is the same in every language: resetBody and changedBody below.
 * No text holds a password, a hash or a token; only the reset mail holds
 * its code.
 */
export interface MailTexts {
  hello: (username: string) => string;
  /** The account a mail is about, as the sentences below take it. */
  account: (username: string) => string;
  accountIn: (username: string, orgName: string) => string;
  reset: {
    subject: string;
    asked: (account: string) => string;
    code: (code: string) => string;
    /** Before the link, on a line of its own. */
    link: string;
    /** `lifetime` is a number with its unit, as Intl words it ("1 hour"). */
    validFor: (lifetime: string) => string;
    notAsked: string;
  };
  changed: {
    subject: string;
    /** `where` is from + using, or byReset, or "". */
    changed: (account: string, when: string, where: string) => string;
    wasYou: string;
    wasNot: string;
    from: (address: string) => string;
    using: (userAgent: string) => string;
    byReset: string;
  };
}

export const MAIL_TEXTS: Record<Language, MailTexts> = {
  en: {
    hello: (username) => `Hello ${username},`,
    account: (username) => `your account "${username}"`,
    accountIn: (username, orgName) => `your account "${username}" at ${orgName}`,
    reset: {
      subject: "Reset your password",
      asked: (account) => `Someone asked to reset the password of ${account}.`,
      code: (code) => `Your code: ${code}`,
      link: "Or follow this link to choose a new password:",
      validFor: (lifetime) => `The code works once, for ${lifetime}.`,
      notAsked: "If you did not ask for this, ignore this mail: your password stays as it is.",
    },
    changed: {
      subject: "Your password was changed",
      changed: (account, when, where) => `The password of ${account} was changed on ${when}${where}.`,
      wasYou: "If this was you, there is nothing to do.",
      wasNot: "If it was not, reset your password at once and tell your administrator.",
      from: (address) => ` from ${address}`,
      using: (userAgent) => ` using ${userAgent}`,
      byReset: " with a password reset code",
    },
  },
  de: {
    hello: (username) => `Hallo ${username},`,
    account: (username) => `Ihres Kontos „${username}“`,
    accountIn: (username, orgName) => `Ihres Kontos „${username}“ bei ${orgName}`,
    reset: {
      subject: "Passwort zurücksetzen",
      asked: (account) => `Jemand hat angefordert, das Passwort ${account} zurückzusetzen.`,
      code: (code) => `Ihr Code: ${code}`,
      link: "Oder folgen Sie diesem Link, um ein neues Passwort zu wählen:",
      validFor: (lifetime) => `Der Code gilt ein einziges Mal, für ${lifetime}.`,
      notAsked: "Falls Sie das nicht angefordert haben, ignorieren Sie diese Mail: Ihr Passwort bleibt, wie es ist.",
    },
    changed: {
      subject: "Ihr Passwort wurde geändert",
      changed: (account, when, where) => `Das Passwort ${account} wurde am ${when}${where} geändert.`,
      wasYou: "Wenn Sie das waren, ist nichts zu tun.",
      wasNot: "Wenn nicht, setzen Sie Ihr Passwort sofort zurück und informieren Sie Ihren Administrator.",
      from: (address) => ` von ${address}`,
      using: (userAgent) => ` mit ${userAgent}`,
      byReset: " mit einem Code zum Zurücksetzen des Passworts",
    },
  },
  fr: {
    hello: (username) => `Bonjour ${username},`,
    account: (username) => `votre compte « ${username} »`,
    accountIn: (username, orgName) => `votre compte « ${username} » chez ${orgName}`,
    reset: {
      subject: "Réinitialisez votre mot de passe",
      asked: (account) => `Quelqu'un a demandé la réinitialisation du mot de passe de ${account}.`,
      code: (code) => `Votre code : ${code}`,
      link: "Ou suivez ce lien pour choisir un nouveau mot de passe :",
      validFor: (lifetime) => `Le code ne sert qu'une fois, pendant ${lifetime}.`,
      notAsked: "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.",
    },
    changed: {
      subject: "Votre mot de passe a été modifié",
      changed: (account, when, where) => `Le mot de passe de ${account} a été modifié le ${when}${where}.`,
      wasYou: "Si c'était vous, vous n'avez rien à faire.",
      wasNot: "Sinon, réinitialisez tout de suite votre mot de passe et prévenez votre administrateur.",
      from: (address) => ` depuis ${address}`,
      using: (userAgent) => ` avec ${userAgent}`,
      byReset: " avec un code de réinitialisation",
    },
  },
  it: {
    hello: (username) => `Ciao ${username},`,
    account: (username) => `del tuo account «${username}»`,
    accountIn: (username, orgName) => `del tuo account «${username}» presso ${orgName}`,
    reset: {
      subject: "Reimposta la tua password",
      asked: (account) => `Qualcuno ha chiesto di reimpostare la password ${account}.`,
      code: (code) => `Il tuo codice: ${code}`,
      link: "Oppure segui questo link per scegliere una nuova password:",
      validFor: (lifetime) => `Il codice vale una sola volta, per ${lifetime}.`,
      notAsked: "Se non l'hai chiesto tu, ignora questa email: la tua password resta com'è.",
    },
    changed: {
      subject: "La tua password è stata cambiata",
      changed: (account, when, where) => `La password ${account} è stata cambiata il ${when}${where}.`,
      wasYou: "Se sei stato tu, non devi fare nulla.",
      wasNot: "Altrimenti reimposta subito la password e avvisa il tuo amministratore.",
      from: (address) => ` da ${address}`,
      using: (userAgent) => ` con ${userAgent}`,
      byReset: " con un codice di reimpostazione della password",
    },
  },
  es: {
    hello: (username) => `Hola, ${username}:`,
    account: (username) => `tu cuenta «${username}»`,
    accountIn: (username, orgName) => `tu cuenta «${username}» en ${orgName}`,
    reset: {
      subject: "Restablece tu contraseña",
      asked: (account) => `Alguien ha pedido restablecer la contraseña de ${account}.`,
      code: (code) => `Tu código: ${code}`,
      link: "O sigue este enlace para elegir una contraseña nueva:",
      validFor: (lifetime) => `El código sirve una sola vez, durante ${lifetime}.`,
      notAsked: "Si no lo has pedido tú, ignora este correo: tu contraseña sigue igual.",
    },
    changed: {
      subject: "Tu contraseña ha cambiado",
      changed: (account, when, where) => `La contraseña de ${account} se cambió el ${when}${where}.`,
      wasYou: "Si fuiste tú, no tienes que hacer nada.",
      wasNot: "Si no, restablece tu contraseña enseguida y avisa a tu administrador.",
      from: (address) => ` desde ${address}`,
      using: (userAgent) => ` con ${userAgent}`,
      byReset: " con un código de restablecimiento",
    },
  },
  pt: {
    hello: (username) => `Olá ${username},`,
    account: (username) => `sua conta "${username}"`,
    accountIn: (username, orgName) => `sua conta "${username}" em ${orgName}`,
    reset: {
      subject: "Redefina sua senha",
      asked: (account) => `Alguém pediu para redefinir a senha da ${account}.`,
      code: (code) => `Seu código: ${code}`,
      link: "Ou siga este link para escolher uma nova senha:",
      validFor: (lifetime) => `O código vale uma única vez, por ${lifetime}.`,
      notAsked: "Se não foi você quem pediu, ignore este e-mail: sua senha continua a mesma.",
    },
    changed: {
      subject: "Sua senha foi alterada",
      changed: (account, when, where) => `A senha da ${account} foi alterada em ${when}${where}.`,
      wasYou: "Se foi você, não é preciso fazer nada.",
      wasNot: "Se não foi, redefina sua senha imediatamente e avise seu administrador.",
      from: (address) => ` a partir de ${address}`,
      using: (userAgent) => ` usando ${userAgent}`,
      byReset: " com um código de redefinição de senha",
    },
  },
  nl: {
    hello: (username) => `Hallo ${username},`,
    account: (username) => `je account "${username}"`,
    accountIn: (username, orgName) => `je account "${username}" bij ${orgName}`,
    reset: {
      subject: "Stel je wachtwoord opnieuw in",
      asked: (account) => `Iemand heeft gevraagd om het wachtwoord van ${account} opnieuw in te stellen.`,
      code: (code) => `Je code: ${code}`,
      link: "Of volg deze link om een nieuw wachtwoord te kiezen:",
      validFor: (lifetime) => `De code werkt één keer, gedurende ${lifetime}.`,
      notAsked: "Heb je hier niet om gevraagd, negeer deze mail dan: je wachtwoord blijft zoals het is.",
    },
    changed: {
      subject: "Je wachtwoord is gewijzigd",
      changed: (account, when, where) => `Het wachtwoord van ${account} is gewijzigd op ${when}${where}.`,
      wasYou: "Was jij dit, dan hoef je niets te doen.",
      wasNot: "Zo niet, stel dan meteen je wachtwoord opnieuw in en waarschuw je beheerder.",
      from: (address) => ` vanaf ${address}`,
      using: (userAgent) => ` met ${userAgent}`,
      byReset: " met een herstelcode voor het wachtwoord",
    },
  },
  pl: {
    hello: (username) => `Dzień dobry ${username},`,
    account: (username) => `Twojego konta „${username}”`,
    accountIn: (username, orgName) => `Twojego konta „${username}” w ${orgName}`,
    reset: {
      subject: "Zresetuj hasło",
      asked: (account) => `Ktoś poprosił o zresetowanie hasła do ${account}.`,
      code: (code) => `Twój kod: ${code}`,
      link: "Możesz też otworzyć ten link, aby ustawić nowe hasło:",
      // A colon before the lifetime: Intl words it in the nominative.
      validFor: (lifetime) => `Kod działa tylko raz. Czas ważności: ${lifetime}.`,
      notAsked: "Jeśli to nie Ty, zignoruj tę wiadomość: Twoje hasło pozostaje bez zmian.",
    },
    changed: {
      subject: "Twoje hasło zostało zmienione",
      changed: (account, when, where) => `Hasło do ${account} zostało zmienione ${when}${where}.`,
      wasYou: "Jeśli to Ty, nie musisz nic robić.",
      wasNot: "Jeśli nie, natychmiast zresetuj hasło i powiadom administratora.",
      from: (address) => ` z adresu ${address}`,
      using: (userAgent) => ` przy użyciu ${userAgent}`,
      byReset: " za pomocą kodu resetowania hasła",
    },
  },
  ja: {
    hello: (username) => `${username} 様`,
    account: (username) => `アカウント「${username}」`,
    accountIn: (username, orgName) => `${orgName} のアカウント「${username}」`,
    reset: {
      subject: "パスワードの再設定",
      asked: (account) => `${account}のパスワードの再設定が依頼されました。`,
      code: (code) => `コード: ${code}`,
      link: "または、次のリンクから新しいパスワードを設定してください:",
      validFor: (lifetime) => `このコードは 1 回だけ、${lifetime}有効です。`,
      notAsked: "心当たりがない場合は、このメールを無視してください。パスワードは変更されません。",
    },
    changed: {
      subject: "パスワードが変更されました",
      changed: (account, when, where) => `${account}のパスワードが ${when} に${where}変更されました。`,
      wasYou: "ご本人による変更であれば、何もする必要はありません。",
      wasNot: "心当たりがない場合は、すぐにパスワードを再設定し、管理者に連絡してください。",
      from: (address) => `、${address} から`,
      using: (userAgent) => `、${userAgent} を使用して`,
      byReset: "、パスワード再設定コードで",
    },
  },
  zh: {
    hello: (username) => `${username}，您好：`,
    account: (username) => `您的账户“${username}”`,
    accountIn: (username, orgName) => `您在 ${orgName} 的账户“${username}”`,
    reset: {
      subject: "重置您的密码",
      asked: (account) => `有人请求重置${account}的密码。`,
      code: (code) => `您的验证码：${code}`,
      link: "或者打开以下链接设置新密码：",
      validFor: (lifetime) => `该验证码只能使用一次，有效期为 ${lifetime}。`,
      notAsked: "如果这不是您本人的请求，请忽略此邮件：您的密码不会改变。",
    },
    changed: {
      subject: "您的密码已更改",
      changed: (account, when, where) => `${account}的密码已于 ${when} ${where}更改。`,
      wasYou: "如果是您本人操作，则无需任何处理。",
      wasNot: "如果不是，请立即重置密码并通知您的管理员。",
      from: (address) => `从 ${address} `,
      using: (userAgent) => `使用 ${userAgent} `,
      byReset: "通过密码重置验证码",
    },
  },
};

/** The reset mail's body: its lines, the link only when there is one. */
export function resetBody(texts: MailTexts, v: { account: string; username: string; code: string; link?: string; validFor: string }): string {
  return [
    texts.hello(v.username),
    "",
    texts.reset.asked(v.account),
    "",
    texts.reset.code(v.code),
    ...(v.link ? ["", texts.reset.link, v.link] : []),
    "",
    texts.reset.validFor(v.validFor),
    texts.reset.notAsked,
  ].join("\n");
}

/** The change notice's body. */
export function changedBody(texts: MailTexts, v: { account: string; username: string; when: string; where: string }): string {
  return [texts.hello(v.username), "", texts.changed.changed(v.account, v.when, v.where), "", texts.changed.wasYou, texts.changed.wasNot].join("\n");
}

/** "1 hour", "90 minutes", "2 days": a code's lifetime in words, in `language` (Intl knows each one's plurals). */
export function inWords(seconds: number, language: Language = "en"): string {
  const units: [number, string][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
    [1, "second"],
  ];
  const [size, unit] = units.find(([size]) => seconds % size === 0)!;
  return new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay: "long" }).format(seconds / size);
}
